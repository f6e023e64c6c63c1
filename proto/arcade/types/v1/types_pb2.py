"""Generated protocol buffer code."""
from google.protobuf import descriptor as _descriptor
from google.protobuf import descriptor_pool as _descriptor_pool
from google.protobuf import runtime_version as _runtime_version
from google.protobuf import symbol_database as _symbol_database
from google.protobuf.internal import builder as _builder
_runtime_version.ValidateProtobufRuntimeVersion(_runtime_version.Domain.PUBLIC, 5, 29, 0, '', 'arcade/types/v1/types.proto')
_sym_db = _symbol_database.Default()
from google.protobuf import timestamp_pb2 as google_dot_protobuf_dot_timestamp__pb2
DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(b'\n\x1barcade/types/v1/types.proto\x12\x0farcade.types.v1\x1a\x1fgoogle/protobuf/timestamp.proto"l\n\x18LabelSelectorRequirement\x12\x0b\n\x03key\x18\x01 \x01(\t\x123\n\x08operator\x18\x02 \x01(\x0e2!.arcade.types.v1.SelectorOperator\x12\x0e\n\x06values\x18\x03 \x03(\t"\xd0\x01\n\rLabelSelector\x12E\n\x0cmatch_labels\x18\x01 \x03(\x0b2/.arcade.types.v1.LabelSelector.MatchLabelsEntry\x12D\n\x11match_expressions\x18\x02 \x03(\x0b2).arcade.types.v1.LabelSelectorRequirement\x1a2\n\x10MatchLabelsEntry\x12\x0b\n\x03key\x18\x01 \x01(\t\x12\r\n\x05value\x18\x02 \x01(\t:\x028\x01"f\n\x07LogLine\x12\x0b\n\x03seq\x18\x01 \x01(\x04\x12*\n\x06stream\x18\x02 \x01(\x0e2\x1a.arcade.types.v1.LogStream\x12\x0c\n\x04text\x18\x03 \x01(\t\x12\x14\n\x0ctime_unix_ms\x18\x04 \x01(\x03"\xe9\x02\n\x05Agent\x12\n\n\x02id\x18\x01 \x01(\t\x12\x0c\n\x04name\x18\x02 \x01(\t\x122\n\x06labels\x18\x03 \x03(\x0b2".arcade.types.v1.Agent.LabelsEntry\x12\x10\n\x08capacity\x18\x04 \x01(\x05\x12,\n\x06status\x18\x05 \x01(\x0e2\x1c.arcade.types.v1.AgentStatus\x12\x14\n\x0crunning_jobs\x18\x06 \x01(\x05\x127\n\x13last_heartbeat_time\x18\x07 \x01(\x0b2\x1a.google.protobuf.Timestamp\x121\n\rregister_time\x18\x08 \x01(\x0b2\x1a.google.protobuf.Timestamp\x12\x0f\n\x07version\x18\t \x01(\t\x12\x10\n\x08hostname\x18\n \x01(\t\x1a-\n\x0bLabelsEntry\x12\x0b\n\x03key\x18\x01 \x01(\t\x12\r\n\x05value\x18\x02 \x01(\t:\x028\x01"\xfa\x02\n\x07StepRun\x12\n\n\x02id\x18\x01 \x01(\t\x12\x12\n\njob_run_id\x18\x02 \x01(\t\x12\x17\n\x0fpipeline_run_id\x18\x03 \x01(\t\x12\r\n\x05index\x18\x04 \x01(\x05\x12\x0c\n\x04name\x18\x05 \x01(\t\x12.\n\x06status\x18\x06 \x01(\x0e2\x1e.arcade.types.v1.StepRunStatus\x12\x11\n\texit_code\x18\x07 \x01(\x05\x12\x0f\n\x07message\x18\x08 \x01(\t\x12.\n\nstart_time\x18\t \x01(\x0b2\x1a.google.protobuf.Timestamp\x12/\n\x0bfinish_time\x18\n \x01(\x0b2\x1a.google.protobuf.Timestamp\x12\x16\n\x0elog_line_count\x18\x0b \x01(\x04\x12\x19\n\x11continue_on_error\x18\x0c \x01(\x08\x12\x0c\n\x04uses\x18\r \x01(\t\x12\x0e\n\x06action\x18\x0e \x01(\t\x12\x13\n\x0bresult_json\x18\x0f \x01(\t"\xda\x03\n\x06JobRun\x12\n\n\x02id\x18\x01 \x01(\t\x12\x17\n\x0fpipeline_run_id\x18\x02 \x01(\t\x12\x0c\n\x04name\x18\x03 \x01(\t\x12\r\n\x05stage\x18\x04 \x01(\t\x12-\n\x06status\x18\x05 \x01(\x0e2\x1d.arcade.types.v1.JobRunStatus\x12\x10\n\x08agent_id\x18\x06 \x01(\t\x12\x0f\n\x07attempt\x18\x07 \x01(\x05\x12\x11\n\texit_code\x18\x08 \x01(\x05\x12\x0f\n\x07message\x18\t \x01(\t\x12\x12\n\ndepends_on\x18\n \x03(\t\x126\n\x0eagent_selector\x18\x0b \x01(\x0b2\x1e.arcade.types.v1.LabelSelector\x12.\n\nqueue_time\x18\x0c \x01(\x0b2\x1a.google.protobuf.Timestamp\x12.\n\nstart_time\x18\r \x01(\x0b2\x1a.google.protobuf.Timestamp\x12/\n\x0bfinish_time\x18\x0e \x01(\x0b2\x1a.google.protobuf.Timestamp\x12\'\n\x05steps\x18\x0f \x03(\x0b2\x18.arcade.types.v1.StepRun\x12\x12\n\nsuperseded\x18\x10 \x01(\x08"\xff\x01\n\x08StageRun\x12\x0c\n\x04name\x18\x01 \x01(\t\x12\r\n\x05index\x18\x02 \x01(\x05\x12\x10\n\x08run_mode\x18\x03 \x01(\t\x12.\n\nstart_time\x18\x04 \x01(\x0b2\x1a.google.protobuf.Timestamp\x12\x19\n\x11approval_required\x18\x05 \x01(\x08\x12\x17\n\x0fapproval_status\x18\x06 \x01(\t\x12\x13\n\x0bapproval_by\x18\x07 \x01(\t\x121\n\rapproval_time\x18\x08 \x01(\x0b2\x1a.google.protobuf.Timestamp\x12\x18\n\x10approval_comment\x18\t \x01(\t"\x86\x04\n\x0bPipelineRun\x12\n\n\x02id\x18\x01 \x01(\t\x12\x13\n\x0bpipeline_id\x18\x02 \x01(\t\x12\x15\n\rpipeline_name\x18\x03 \x01(\t\x12\x0e\n\x06number\x18\x04 \x01(\x03\x122\n\x06status\x18\x05 \x01(\x0e2".arcade.types.v1.PipelineRunStatus\x12\x0f\n\x07message\x18\x06 \x01(\t\x12>\n\tvariables\x18\x07 \x03(\x0b2+.arcade.types.v1.PipelineRun.VariablesEntry\x12\x14\n\x0ctrigger_type\x18\x08 \x01(\t\x12/\n\x0bcreate_time\x18\t \x01(\x0b2\x1a.google.protobuf.Timestamp\x12.\n\nstart_time\x18\n \x01(\x0b2\x1a.google.protobuf.Timestamp\x12/\n\x0bfinish_time\x18\x0b \x01(\x0b2\x1a.google.protobuf.Timestamp\x12%\n\x04jobs\x18\x0c \x03(\x0b2\x17.arcade.types.v1.JobRun\x12)\n\x06stages\x18\r \x03(\x0b2\x19.arcade.types.v1.StageRun\x1a0\n\x0eVariablesEntry\x12\x0b\n\x03key\x18\x01 \x01(\t\x12\r\n\x05value\x18\x02 \x01(\t:\x028\x01"\xd6\x01\n\x05Event\x12\n\n\x02id\x18\x01 \x01(\x03\x12\x0c\n\x04kind\x18\x02 \x01(\t\x12\x17\n\x0fpipeline_run_id\x18\x03 \x01(\t\x12\x12\n\njob_run_id\x18\x04 \x01(\t\x12\x13\n\x0bstep_run_id\x18\x05 \x01(\t\x12\x10\n\x08agent_id\x18\x06 \x01(\t\x12\x0e\n\x06status\x18\x07 \x01(\t\x12\x0f\n\x07message\x18\x08 \x01(\t\x12\x14\n\x0cpayload_json\x18\t \x01(\t\x12(\n\x04time\x18\n \x01(\x0b2\x1a.google.protobuf.Timestamp"\x8c\x02\n\x08Artifact\x12\n\n\x02id\x18\x01 \x01(\t\x12\x17\n\x0fpipeline_run_id\x18\x02 \x01(\t\x12\x12\n\njob_run_id\x18\x03 \x01(\t\x12\x13\n\x0bstep_run_id\x18\x04 \x01(\t\x12\x10\n\x08job_name\x18\x05 \x01(\t\x12\x0c\n\x04name\x18\x06 \x01(\t\x12\x0c\n\x04size\x18\x07 \x01(\x03\x12\x0e\n\x06sha256\x18\x08 \x01(\t\x12\x12\n\nfile_count\x18\t \x01(\x05\x12/\n\x0bcreate_time\x18\n \x01(\x0b2\x1a.google.protobuf.Timestamp\x12/\n\x0bexpire_time\x18\x0b \x01(\x0b2\x1a.google.protobuf.Timestamp*\x8c\x01\n\x0bAgentStatus\x12\x1c\n\x18AGENT_STATUS_UNSPECIFIED\x10\x00\x12\x17\n\x13AGENT_STATUS_ONLINE\x10\x01\x12\x18\n\x14AGENT_STATUS_OFFLINE\x10\x02\x12\x15\n\x11AGENT_STATUS_BUSY\x10\x03\x12\x15\n\x11AGENT_STATUS_IDLE\x10\x04*\x98\x02\n\rStepRunStatus\x12\x1f\n\x1bSTEP_RUN_STATUS_UNSPECIFIED\x10\x00\x12\x1b\n\x17STEP_RUN_STATUS_PENDING\x10\x01\x12\x1a\n\x16STEP_RUN_STATUS_QUEUED\x10\x02\x12\x1b\n\x17STEP_RUN_STATUS_RUNNING\x10\x03\x12\x1b\n\x17STEP_RUN_STATUS_SUCCESS\x10\x04\x12\x1a\n\x16STEP_RUN_STATUS_FAILED\x10\x05\x12\x1d\n\x19STEP_RUN_STATUS_CANCELLED\x10\x06\x12\x1b\n\x17STEP_RUN_STATUS_TIMEOUT\x10\x07\x12\x1b\n\x17STEP_RUN_STATUS_SKIPPED\x10\x08*\x8e\x02\n\x0cJobRunStatus\x12\x1e\n\x1aJOB_RUN_STATUS_UNSPECIFIED\x10\x00\x12\x1a\n\x16JOB_RUN_STATUS_PENDING\x10\x01\x12\x19\n\x15JOB_RUN_STATUS_QUEUED\x10\x02\x12\x1a\n\x16JOB_RUN_STATUS_RUNNING\x10\x03\x12\x1a\n\x16JOB_RUN_STATUS_SUCCESS\x10\x04\x12\x19\n\x15JOB_RUN_STATUS_FAILED\x10\x05\x12\x1c\n\x18JOB_RUN_STATUS_CANCELLED\x10\x06\x12\x1a\n\x16JOB_RUN_STATUS_TIMEOUT\x10\x07\x12\x1a\n\x16JOB_RUN_STATUS_SKIPPED\x10\x08*\xde\x01\n\x11PipelineRunStatus\x12#\n\x1fPIPELINE_RUN_STATUS_UNSPECIFIED\x10\x00\x12\x1f\n\x1bPIPELINE_RUN_STATUS_PENDING\x10\x01\x12\x1f\n\x1bPIPELINE_RUN_STATUS_RUNNING\x10\x02\x12\x1f\n\x1bPIPELINE_RUN_STATUS_SUCCESS\x10\x03\x12\x1e\n\x1aPIPELINE_RUN_STATUS_FAILED\x10\x04\x12!\n\x1dPIPELINE_RUN_STATUS_CANCELLED\x10\x05*l\n\tLogStream\x12\x1a\n\x16LOG_STREAM_UNSPECIFIED\x10\x00\x12\x15\n\x11LOG_STREAM_STDOUT\x10\x01\x12\x15\n\x11LOG_STREAM_STDERR\x10\x02\x12\x15\n\x11LOG_STREAM_SYSTEM\x10\x03*\xe1\x01\n\x10SelectorOperator\x12!\n\x1dSELECTOR_OPERATOR_UNSPECIFIED\x10\x00\x12\x18\n\x14SELECTOR_OPERATOR_IN\x10\x01\x12\x1c\n\x18SELECTOR_OPERATOR_NOT_IN\x10\x02\x12\x1c\n\x18SELECTOR_OPERATOR_EXISTS\x10\x03\x12 \n\x1cSELECTOR_OPERATOR_NOT_EXISTS\x10\x04\x12\x18\n\x14SELECTOR_OPERATOR_GT\x10\x05\x12\x18\n\x14SELECTOR_OPERATOR_LT\x10\x06b\x06proto3')
_globals = globals()
_builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, _globals)
_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'arcade.types.v1.types_pb2', _globals)
if not _descriptor._USE_C_DESCRIPTORS:
    DESCRIPTOR._loaded_options = None
    _globals['_LABELSELECTOR_MATCHLABELSENTRY']._loaded_options = None
    _globals['_LABELSELECTOR_MATCHLABELSENTRY']._serialized_options = b'8\x01'
    _globals['_AGENT_LABELSENTRY']._loaded_options = None
    _globals['_AGENT_LABELSENTRY']._serialized_options = b'8\x01'
    _globals['_PIPELINERUN_VARIABLESENTRY']._loaded_options = None
    _globals['_PIPELINERUN_VARIABLESENTRY']._serialized_options = b'8\x01'
    _globals['_AGENTSTATUS']._serialized_start = 2996
    _globals['_AGENTSTATUS']._serialized_end = 3136
    _globals['_STEPRUNSTATUS']._serialized_start = 3139
    _globals['_STEPRUNSTATUS']._serialized_end = 3419
    _globals['_JOBRUNSTATUS']._serialized_start = 3422
    _globals['_JOBRUNSTATUS']._serialized_end = 3692
    _globals['_PIPELINERUNSTATUS']._serialized_start = 3695
    _globals['_PIPELINERUNSTATUS']._serialized_end = 3917
    _globals['_LOGSTREAM']._serialized_start = 3919
    _globals['_LOGSTREAM']._serialized_end = 4027
    _globals['_SELECTOROPERATOR']._serialized_start = 4030
    _globals['_SELECTOROPERATOR']._serialized_end = 4255
    _globals['_LABELSELECTORREQUIREMENT']._serialized_start = 81
    _globals['_LABELSELECTORREQUIREMENT']._serialized_end = 189
    _globals['_LABELSELECTOR']._serialized_start = 192
    _globals['_LABELSELECTOR']._serialized_end = 400
    _globals['_LABELSELECTOR_MATCHLABELSENTRY']._serialized_start = 350
    _globals['_LABELSELECTOR_MATCHLABELSENTRY']._serialized_end = 400
    _globals['_LOGLINE']._serialized_start = 402
    _globals['_LOGLINE']._serialized_end = 504
    _globals['_AGENT']._serialized_start = 507
    _globals['_AGENT']._serialized_end = 868
    _globals['_AGENT_LABELSENTRY']._serialized_start = 823
    _globals['_AGENT_LABELSENTRY']._serialized_end = 868
    _globals['_STEPRUN']._serialized_start = 871
    _globals['_STEPRUN']._serialized_end = 1249
    _globals['_JOBRUN']._serialized_start = 1252
    _globals['_JOBRUN']._serialized_end = 1726
    _globals['_STAGERUN']._serialized_start = 1729
    _globals['_STAGERUN']._serialized_end = 1984
    _globals['_PIPELINERUN']._serialized_start = 1987
    _globals['_PIPELINERUN']._serialized_end = 2505
    _globals['_PIPELINERUN_VARIABLESENTRY']._serialized_start = 2457
    _globals['_PIPELINERUN_VARIABLESENTRY']._serialized_end = 2505
    _globals['_EVENT']._serialized_start = 2508
    _globals['_EVENT']._serialized_end = 2722
    _globals['_ARTIFACT']._serialized_start = 2725
    _globals['_ARTIFACT']._serialized_end = 2993