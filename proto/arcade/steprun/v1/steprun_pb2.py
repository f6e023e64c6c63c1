"""Generated protocol buffer code."""
from google.protobuf import descriptor as _descriptor
from google.protobuf import descriptor_pool as _descriptor_pool
from google.protobuf import runtime_version as _runtime_version
from google.protobuf import symbol_database as _symbol_database
from google.protobuf.internal import builder as _builder
_runtime_version.ValidateProtobufRuntimeVersion(_runtime_version.Domain.PUBLIC, 5, 29, 0, '', 'arcade/steprun/v1/steprun.proto')
_sym_db = _symbol_database.Default()
from ....arcade.types.v1 import types_pb2 as arcade_dot_types_dot_v1_dot_types__pb2
DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(b'\n\x1farcade/steprun/v1/steprun.proto\x12\x11arcade.steprun.v1\x1a\x1barcade/types/v1/types.proto"(\n\x11GetStepRunRequest\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t"@\n\x12GetStepRunResponse\x12*\n\x08step_run\x18\x01 \x01(\x0b2\x18.arcade.types.v1.StepRun"B\n\x13ListStepRunsRequest\x12\x17\n\x0fpipeline_run_id\x18\x01 \x01(\t\x12\x12\n\njob_run_id\x18\x02 \x01(\t"C\n\x14ListStepRunsResponse\x12+\n\tstep_runs\x18\x01 \x03(\x0b2\x18.arcade.types.v1.StepRun"+\n\x14CancelStepRunRequest\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t"C\n\x15CancelStepRunResponse\x12*\n\x08step_run\x18\x01 \x01(\x0b2\x18.arcade.types.v1.StepRun"L\n\x14GetStepRunLogRequest\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t\x12\x10\n\x08from_seq\x18\x02 \x01(\x04\x12\r\n\x05limit\x18\x03 \x01(\x05"R\n\x15GetStepRunLogResponse\x12\'\n\x05lines\x18\x01 \x03(\x0b2\x18.arcade.types.v1.LogLine\x12\x10\n\x08complete\x18\x02 \x01(\x08"_\n\x1bListStepRunArtifactsRequest\x12\x17\n\x0fpipeline_run_id\x18\x01 \x01(\t\x12\x12\n\njob_run_id\x18\x02 \x01(\t\x12\x13\n\x0bstep_run_id\x18\x03 \x01(\t"L\n\x1cListStepRunArtifactsResponse\x12,\n\tartifacts\x18\x01 \x03(\x0b2\x19.arcade.types.v1.Artifact">\n\x13RetryStepRunRequest\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t\x12\x12\n\njob_run_id\x18\x02 \x01(\t"@\n\x14RetryStepRunResponse\x12(\n\x07job_run\x18\x01 \x01(\x0b2\x17.arcade.types.v1.JobRun2\xee\x04\n\x0eStepRunService\x12Y\n\nGetStepRun\x12$.arcade.steprun.v1.GetStepRunRequest\x1a%.arcade.steprun.v1.GetStepRunResponse\x12_\n\x0cListStepRuns\x12&.arcade.steprun.v1.ListStepRunsRequest\x1a\'.arcade.steprun.v1.ListStepRunsResponse\x12b\n\rCancelStepRun\x12\'.arcade.steprun.v1.CancelStepRunRequest\x1a(.arcade.steprun.v1.CancelStepRunResponse\x12b\n\rGetStepRunLog\x12\'.arcade.steprun.v1.GetStepRunLogRequest\x1a(.arcade.steprun.v1.GetStepRunLogResponse\x12w\n\x14ListStepRunArtifacts\x12..arcade.steprun.v1.ListStepRunArtifactsRequest\x1a/.arcade.steprun.v1.ListStepRunArtifactsResponse\x12_\n\x0cRetryStepRun\x12&.arcade.steprun.v1.RetryStepRunRequest\x1a\'.arcade.steprun.v1.RetryStepRunResponseb\x06proto3')
_globals = globals()
_builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, _globals)
_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'arcade.steprun.v1.steprun_pb2', _globals)
if not _descriptor._USE_C_DESCRIPTORS:
    DESCRIPTOR._loaded_options = None
    _globals['_GETSTEPRUNREQUEST']._serialized_start = 83
    _globals['_GETSTEPRUNREQUEST']._serialized_end = 123
    _globals['_GETSTEPRUNRESPONSE']._serialized_start = 125
    _globals['_GETSTEPRUNRESPONSE']._serialized_end = 189
    _globals['_LISTSTEPRUNSREQUEST']._serialized_start = 191
    _globals['_LISTSTEPRUNSREQUEST']._serialized_end = 257
    _globals['_LISTSTEPRUNSRESPONSE']._serialized_start = 259
    _globals['_LISTSTEPRUNSRESPONSE']._serialized_end = 326
    _globals['_CANCELSTEPRUNREQUEST']._serialized_start = 328
    _globals['_CANCELSTEPRUNREQUEST']._serialized_end = 371
    _globals['_CANCELSTEPRUNRESPONSE']._serialized_start = 373
    _globals['_CANCELSTEPRUNRESPONSE']._serialized_end = 440
    _globals['_GETSTEPRUNLOGREQUEST']._serialized_start = 442
    _globals['_GETSTEPRUNLOGREQUEST']._serialized_end = 518
    _globals['_GETSTEPRUNLOGRESPONSE']._serialized_start = 520
    _globals['_GETSTEPRUNLOGRESPONSE']._serialized_end = 602
    _globals['_LISTSTEPRUNARTIFACTSREQUEST']._serialized_start = 604
    _globals['_LISTSTEPRUNARTIFACTSREQUEST']._serialized_end = 699
    _globals['_LISTSTEPRUNARTIFACTSRESPONSE']._serialized_start = 701
    _globals['_LISTSTEPRUNARTIFACTSRESPONSE']._serialized_end = 777
    _globals['_RETRYSTEPRUNREQUEST']._serialized_start = 779
    _globals['_RETRYSTEPRUNREQUEST']._serialized_end = 841
    _globals['_RETRYSTEPRUNRESPONSE']._serialized_start = 843
    _globals['_RETRYSTEPRUNRESPONSE']._serialized_end = 907
    _globals['_STEPRUNSERVICE']._serialized_start = 910
    _globals['_STEPRUNSERVICE']._serialized_end = 1532