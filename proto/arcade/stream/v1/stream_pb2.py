"""Generated protocol buffer code."""
from google.protobuf import descriptor as _descriptor
from google.protobuf import descriptor_pool as _descriptor_pool
from google.protobuf import runtime_version as _runtime_version
from google.protobuf import symbol_database as _symbol_database
from google.protobuf.internal import builder as _builder
_runtime_version.ValidateProtobufRuntimeVersion(_runtime_version.Domain.PUBLIC, 5, 29, 0, '', 'arcade/stream/v1/stream.proto')
_sym_db = _symbol_database.Default()
from ....arcade.types.v1 import types_pb2 as arcade_dot_types_dot_v1_dot_types__pb2
DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(b'\n\x1darcade/stream/v1/stream.proto\x12\x10arcade.stream.v1\x1a\x1barcade/types/v1/types.proto"P\n\x17StreamStepRunLogRequest\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t\x12\x10\n\x08from_seq\x18\x02 \x01(\x04\x12\x0e\n\x06follow\x18\x03 \x01(\x08"C\n\x18StreamStepRunLogResponse\x12\'\n\x05lines\x18\x01 \x03(\x0b2\x18.arcade.types.v1.LogLine"1\n\x1aStreamStepRunStatusRequest\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t"I\n\x1bStreamStepRunStatusResponse\x12*\n\x08step_run\x18\x01 \x01(\x0b2\x18.arcade.types.v1.StepRun",\n\x16StreamJobStatusRequest\x12\x12\n\njob_run_id\x18\x01 \x01(\t"C\n\x17StreamJobStatusResponse\x12(\n\x07job_run\x18\x01 \x01(\x0b2\x17.arcade.types.v1.JobRun"6\n\x1bStreamPipelineStatusRequest\x12\x17\n\x0fpipeline_run_id\x18\x01 \x01(\t"I\n\x1cStreamPipelineStatusResponse\x12)\n\x03run\x18\x01 \x01(\x0b2\x1c.arcade.types.v1.PipelineRun",\n\x18StreamAgentStatusRequest\x12\x10\n\x08agent_id\x18\x01 \x01(\t"B\n\x19StreamAgentStatusResponse\x12%\n\x05agent\x18\x01 \x01(\x0b2\x16.arcade.types.v1.Agent"O\n\x13StreamEventsRequest\x12\x10\n\x08after_id\x18\x01 \x01(\x03\x12\r\n\x05kinds\x18\x02 \x03(\t\x12\x17\n\x0fpipeline_run_id\x18\x03 \x01(\t"=\n\x14StreamEventsResponse\x12%\n\x05event\x18\x01 \x01(\x0b2\x16.arcade.types.v1.Event2\xa6\x05\n\rStreamService\x12k\n\x10StreamStepRunLog\x12).arcade.stream.v1.StreamStepRunLogRequest\x1a*.arcade.stream.v1.StreamStepRunLogResponse0\x01\x12t\n\x13StreamStepRunStatus\x12,.arcade.stream.v1.StreamStepRunStatusRequest\x1a-.arcade.stream.v1.StreamStepRunStatusResponse0\x01\x12h\n\x0fStreamJobStatus\x12(.arcade.stream.v1.StreamJobStatusRequest\x1a).arcade.stream.v1.StreamJobStatusResponse0\x01\x12w\n\x14StreamPipelineStatus\x12-.arcade.stream.v1.StreamPipelineStatusRequest\x1a..arcade.stream.v1.StreamPipelineStatusResponse0\x01\x12n\n\x11StreamAgentStatus\x12*.arcade.stream.v1.StreamAgentStatusRequest\x1a+.arcade.stream.v1.StreamAgentStatusResponse0\x01\x12_\n\x0cStreamEvents\x12%.arcade.stream.v1.StreamEventsRequest\x1a&.arcade.stream.v1.StreamEventsResponse0\x01b\x06proto3')
_globals = globals()
_builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, _globals)
_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'arcade.stream.v1.stream_pb2', _globals)
if not _descriptor._USE_C_DESCRIPTORS:
    DESCRIPTOR._loaded_options = None
    _globals['_STREAMSTEPRUNLOGREQUEST']._serialized_start = 80
    _globals['_STREAMSTEPRUNLOGREQUEST']._serialized_end = 160
    _globals['_STREAMSTEPRUNLOGRESPONSE']._serialized_start = 162
    _globals['_STREAMSTEPRUNLOGRESPONSE']._serialized_end = 229
    _globals['_STREAMSTEPRUNSTATUSREQUEST']._serialized_start = 231
    _globals['_STREAMSTEPRUNSTATUSREQUEST']._serialized_end = 280
    _globals['_STREAMSTEPRUNSTATUSRESPONSE']._serialized_start = 282
    _globals['_STREAMSTEPRUNSTATUSRESPONSE']._serialized_end = 355
    _globals['_STREAMJOBSTATUSREQUEST']._serialized_start = 357
    _globals['_STREAMJOBSTATUSREQUEST']._serialized_end = 401
    _globals['_STREAMJOBSTATUSRESPONSE']._serialized_start = 403
    _globals['_STREAMJOBSTATUSRESPONSE']._serialized_end = 470
    _globals['_STREAMPIPELINESTATUSREQUEST']._serialized_start = 472
    _globals['_STREAMPIPELINESTATUSREQUEST']._serialized_end = 526
    _globals['_STREAMPIPELINESTATUSRESPONSE']._serialized_start = 528
    _globals['_STREAMPIPELINESTATUSRESPONSE']._serialized_end = 601
    _globals['_STREAMAGENTSTATUSREQUEST']._serialized_start = 603
    _globals['_STREAMAGENTSTATUSREQUEST']._serialized_end = 647
    _globals['_STREAMAGENTSTATUSRESPONSE']._serialized_start = 649
    _globals['_STREAMAGENTSTATUSRESPONSE']._serialized_end = 715
    _globals['_STREAMEVENTSREQUEST']._serialized_start = 717
    _globals['_STREAMEVENTSREQUEST']._serialized_end = 796
    _globals['_STREAMEVENTSRESPONSE']._serialized_start = 798
    _globals['_STREAMEVENTSRESPONSE']._serialized_end = 859
    _globals['_STREAMSERVICE']._serialized_start = 862
    _globals['_STREAMSERVICE']._serialized_end = 1540