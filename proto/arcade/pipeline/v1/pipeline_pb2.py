"""Generated protocol buffer code."""
from google.protobuf import descriptor as _descriptor
from google.protobuf import descriptor_pool as _descriptor_pool
from google.protobuf import runtime_version as _runtime_version
from google.protobuf import symbol_database as _symbol_database
from google.protobuf.internal import builder as _builder
_runtime_version.ValidateProtobufRuntimeVersion(_runtime_version.Domain.PUBLIC, 5, 29, 0, '', 'arcade/pipeline/v1/pipeline.proto')
_sym_db = _symbol_database.Default()
from ....arcade.types.v1 import types_pb2 as arcade_dot_types_dot_v1_dot_types__pb2
from google.protobuf import timestamp_pb2 as google_dot_protobuf_dot_timestamp__pb2
DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(b'\n!arcade/pipeline/v1/pipeline.proto\x12\x12arcade.pipeline.v1\x1a\x1barcade/types/v1/types.proto\x1a\x1fgoogle/protobuf/timestamp.proto"\x99\x01\n\x08Pipeline\x12\n\n\x02id\x18\x01 \x01(\t\x12\x0c\n\x04name\x18\x02 \x01(\t\x12\x11\n\tspec_yaml\x18\x03 \x01(\t\x12/\n\x0bcreate_time\x18\x04 \x01(\x0b2\x1a.google.protobuf.Timestamp\x12/\n\x0bupdate_time\x18\x05 \x01(\x0b2\x1a.google.protobuf.Timestamp"H\n\tSpecError\x12\x0c\n\x04file\x18\x01 \x01(\t\x12\x0c\n\x04line\x18\x02 \x01(\x05\x12\x0e\n\x06column\x18\x03 \x01(\x05\x12\x0f\n\x07message\x18\x04 \x01(\t"M\n\x15CreatePipelineRequest\x12\x11\n\tspec_yaml\x18\x01 \x01(\t\x12\x11\n\tfile_name\x18\x02 \x01(\t\x12\x0e\n\x06upsert\x18\x03 \x01(\x08"H\n\x16CreatePipelineResponse\x12.\n\x08pipeline\x18\x01 \x01(\x0b2\x1c.arcade.pipeline.v1.Pipeline"O\n\x15UpdatePipelineRequest\x12\x10\n\x08pipeline\x18\x01 \x01(\t\x12\x11\n\tspec_yaml\x18\x02 \x01(\t\x12\x11\n\tfile_name\x18\x03 \x01(\t"H\n\x16UpdatePipelineResponse\x12.\n\x08pipeline\x18\x01 \x01(\x0b2\x1c.arcade.pipeline.v1.Pipeline"&\n\x12GetPipelineRequest\x12\x10\n\x08pipeline\x18\x01 \x01(\t"E\n\x13GetPipelineResponse\x12.\n\x08pipeline\x18\x01 \x01(\x0b2\x1c.arcade.pipeline.v1.Pipeline"\x16\n\x14ListPipelinesRequest"H\n\x15ListPipelinesResponse\x12/\n\tpipelines\x18\x01 \x03(\x0b2\x1c.arcade.pipeline.v1.Pipeline")\n\x15DeletePipelineRequest\x12\x10\n\x08pipeline\x18\x01 \x01(\t"\x18\n\x16DeletePipelineResponse"\xbe\x01\n\x16TriggerPipelineRequest\x12\x10\n\x08pipeline\x18\x01 \x01(\t\x12L\n\tvariables\x18\x02 \x03(\x0b29.arcade.pipeline.v1.TriggerPipelineRequest.VariablesEntry\x12\x12\n\nrequest_id\x18\x03 \x01(\t\x1a0\n\x0eVariablesEntry\x12\x0b\n\x03key\x18\x01 \x01(\t\x12\r\n\x05value\x18\x02 \x01(\t:\x028\x01"D\n\x17TriggerPipelineResponse\x12)\n\x03run\x18\x01 \x01(\x0b2\x1c.arcade.types.v1.PipelineRun".\n\x13StopPipelineRequest\x12\x17\n\x0fpipeline_run_id\x18\x01 \x01(\t"A\n\x14StopPipelineResponse\x12)\n\x03run\x18\x01 \x01(\x0b2\x1c.arcade.types.v1.PipelineRun"0\n\x15GetPipelineRunRequest\x12\x17\n\x0fpipeline_run_id\x18\x01 \x01(\t"C\n\x16GetPipelineRunResponse\x12)\n\x03run\x18\x01 \x01(\x0b2\x1c.arcade.types.v1.PipelineRun":\n\x17ListPipelineRunsRequest\x12\x10\n\x08pipeline\x18\x01 \x01(\t\x12\r\n\x05limit\x18\x02 \x01(\x05"F\n\x18ListPipelineRunsResponse\x12*\n\x04runs\x18\x01 \x03(\x0b2\x1c.arcade.types.v1.PipelineRun"C\n\x1bValidatePipelineSpecRequest\x12\x11\n\tspec_yaml\x18\x01 \x01(\t\x12\x11\n\tfile_name\x18\x02 \x01(\t"\\\n\x1cValidatePipelineSpecResponse\x12\r\n\x05valid\x18\x01 \x01(\x08\x12-\n\x06errors\x18\x02 \x03(\x0b2\x1d.arcade.pipeline.v1.SpecError"N\n\x13ApproveStageRequest\x12\x17\n\x0fpipeline_run_id\x18\x01 \x01(\t\x12\r\n\x05stage\x18\x02 \x01(\t\x12\x0f\n\x07comment\x18\x03 \x01(\t"A\n\x14ApproveStageResponse\x12)\n\x03run\x18\x01 \x01(\x0b2\x1c.arcade.types.v1.PipelineRun"M\n\x12RejectStageRequest\x12\x17\n\x0fpipeline_run_id\x18\x01 \x01(\t\x12\r\n\x05stage\x18\x02 \x01(\t\x12\x0f\n\x07comment\x18\x03 \x01(\t"@\n\x13RejectStageResponse\x12)\n\x03run\x18\x01 \x01(\x0b2\x1c.arcade.types.v1.PipelineRun2\xf7\t\n\x0fPipelineService\x12g\n\x0eCreatePipeline\x12).arcade.pipeline.v1.CreatePipelineRequest\x1a*.arcade.pipeline.v1.CreatePipelineResponse\x12g\n\x0eUpdatePipeline\x12).arcade.pipeline.v1.UpdatePipelineRequest\x1a*.arcade.pipeline.v1.UpdatePipelineResponse\x12^\n\x0bGetPipeline\x12&.arcade.pipeline.v1.GetPipelineRequest\x1a\'.arcade.pipeline.v1.GetPipelineResponse\x12d\n\rListPipelines\x12(.arcade.pipeline.v1.ListPipelinesRequest\x1a).arcade.pipeline.v1.ListPipelinesResponse\x12g\n\x0eDeletePipeline\x12).arcade.pipeline.v1.DeletePipelineRequest\x1a*.arcade.pipeline.v1.DeletePipelineResponse\x12j\n\x0fTriggerPipeline\x12*.arcade.pipeline.v1.TriggerPipelineRequest\x1a+.arcade.pipeline.v1.TriggerPipelineResponse\x12a\n\x0cStopPipeline\x12\'.arcade.pipeline.v1.StopPipelineRequest\x1a(.arcade.pipeline.v1.StopPipelineResponse\x12g\n\x0eGetPipelineRun\x12).arcade.pipeline.v1.GetPipelineRunRequest\x1a*.arcade.pipeline.v1.GetPipelineRunResponse\x12m\n\x10ListPipelineRuns\x12+.arcade.pipeline.v1.ListPipelineRunsRequest\x1a,.arcade.pipeline.v1.ListPipelineRunsResponse\x12y\n\x14ValidatePipelineSpec\x12/.arcade.pipeline.v1.ValidatePipelineSpecRequest\x1a0.arcade.pipeline.v1.ValidatePipelineSpecResponse\x12a\n\x0cApproveStage\x12\'.arcade.pipeline.v1.ApproveStageRequest\x1a(.arcade.pipeline.v1.ApproveStageResponse\x12^\n\x0bRejectStage\x12&.arcade.pipeline.v1.RejectStageRequest\x1a\'.arcade.pipeline.v1.RejectStageResponseb\x06proto3')
_globals = globals()
_builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, _globals)
_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'arcade.pipeline.v1.pipeline_pb2', _globals)
if not _descriptor._USE_C_DESCRIPTORS:
    DESCRIPTOR._loaded_options = None
    _globals['_TRIGGERPIPELINEREQUEST_VARIABLESENTRY']._loaded_options = None
    _globals['_TRIGGERPIPELINEREQUEST_VARIABLESENTRY']._serialized_options = b'8\x01'
    _globals['_PIPELINE']._serialized_start = 120
    _globals['_PIPELINE']._serialized_end = 273
    _globals['_SPECERROR']._serialized_start = 275
    _globals['_SPECERROR']._serialized_end = 347
    _globals['_CREATEPIPELINEREQUEST']._serialized_start = 349
    _globals['_CREATEPIPELINEREQUEST']._serialized_end = 426
    _globals['_CREATEPIPELINERESPONSE']._serialized_start = 428
    _globals['_CREATEPIPELINERESPONSE']._serialized_end = 500
    _globals['_UPDATEPIPELINEREQUEST']._serialized_start = 502
    _globals['_UPDATEPIPELINEREQUEST']._serialized_end = 581
    _globals['_UPDATEPIPELINERESPONSE']._serialized_start = 583
    _globals['_UPDATEPIPELINERESPONSE']._serialized_end = 655
    _globals['_GETPIPELINEREQUEST']._serialized_start = 657
    _globals['_GETPIPELINEREQUEST']._serialized_end = 695
    _globals['_GETPIPELINERESPONSE']._serialized_start = 697
    _globals['_GETPIPELINERESPONSE']._serialized_end = 766
    _globals['_LISTPIPELINESREQUEST']._serialized_start = 768
    _globals['_LISTPIPELINESREQUEST']._serialized_end = 790
    _globals['_LISTPIPELINESRESPONSE']._serialized_start = 792
    _globals['_LISTPIPELINESRESPONSE']._serialized_end = 864
    _globals['_DELETEPIPELINEREQUEST']._serialized_start = 866
    _globals['_DELETEPIPELINEREQUEST']._serialized_end = 907
    _globals['_DELETEPIPELINERESPONSE']._serialized_start = 909
    _globals['_DELETEPIPELINERESPONSE']._serialized_end = 933
    _globals['_TRIGGERPIPELINEREQUEST']._serialized_start = 936
    _globals['_TRIGGERPIPELINEREQUEST']._serialized_end = 1126
    _globals['_TRIGGERPIPELINEREQUEST_VARIABLESENTRY']._serialized_start = 1078
    _globals['_TRIGGERPIPELINEREQUEST_VARIABLESENTRY']._serialized_end = 1126
    _globals['_TRIGGERPIPELINERESPONSE']._serialized_start = 1128
    _globals['_TRIGGERPIPELINERESPONSE']._serialized_end = 1196
    _globals['_STOPPIPELINEREQUEST']._serialized_start = 1198
    _globals['_STOPPIPELINEREQUEST']._serialized_end = 1244
    _globals['_STOPPIPELINERESPONSE']._serialized_start = 1246
    _globals['_STOPPIPELINERESPONSE']._serialized_end = 1311
    _globals['_GETPIPELINERUNREQUEST']._serialized_start = 1313
    _globals['_GETPIPELINERUNREQUEST']._serialized_end = 1361
    _globals['_GETPIPELINERUNRESPONSE']._serialized_start = 1363
    _globals['_GETPIPELINERUNRESPONSE']._serialized_end = 1430
    _globals['_LISTPIPELINERUNSREQUEST']._serialized_start = 1432
    _globals['_LISTPIPELINERUNSREQUEST']._serialized_end = 1490
    _globals['_LISTPIPELINERUNSRESPONSE']._serialized_start = 1492
    _globals['_LISTPIPELINERUNSRESPONSE']._serialized_end = 1562
    _globals['_VALIDATEPIPELINESPECREQUEST']._serialized_start = 1564
    _globals['_VALIDATEPIPELINESPECREQUEST']._serialized_end = 1631
    _globals['_VALIDATEPIPELINESPECRESPONSE']._serialized_start = 1633
    _globals['_VALIDATEPIPELINESPECRESPONSE']._serialized_end = 1725
    _globals['_APPROVESTAGEREQUEST']._serialized_start = 1727
    _globals['_APPROVESTAGEREQUEST']._serialized_end = 1805
    _globals['_APPROVESTAGERESPONSE']._serialized_start = 1807
    _globals['_APPROVESTAGERESPONSE']._serialized_end = 1872
    _globals['_REJECTSTAGEREQUEST']._serialized_start = 1874
    _globals['_REJECTSTAGEREQUEST']._serialized_end = 1951
    _globals['_REJECTSTAGERESPONSE']._serialized_start = 1953
    _globals['_REJECTSTAGERESPONSE']._serialized_end = 2017
    _globals['_PIPELINESERVICE']._serialized_start = 2020
    _globals['_PIPELINESERVICE']._serialized_end = 3291