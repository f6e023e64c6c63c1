"""Generated protocol buffer code."""
from google.protobuf import descriptor as _descriptor
from google.protobuf import descriptor_pool as _descriptor_pool
from google.protobuf import runtime_version as _runtime_version
from google.protobuf import symbol_database as _symbol_database
from google.protobuf.internal import builder as _builder
_runtime_version.ValidateProtobufRuntimeVersion(_runtime_version.Domain.PUBLIC, 5, 29, 0, '', 'arcade/agent/v1/agent.proto')
_sym_db = _symbol_database.Default()
from ....arcade.types.v1 import types_pb2 as arcade_dot_types_dot_v1_dot_types__pb2
DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(b'\n\x1barcade/agent/v1/agent.proto\x12\x0farcade.agent.v1\x1a\x1barcade/types/v1/types.proto"\xdd\x01\n\x0fRegisterRequest\x12\x1a\n\x12registration_token\x18\x01 \x01(\t\x12\x0c\n\x04name\x18\x02 \x01(\t\x12<\n\x06labels\x18\x03 \x03(\x0b2,.arcade.agent.v1.RegisterRequest.LabelsEntry\x12\x10\n\x08capacity\x18\x04 \x01(\x05\x12\x0f\n\x07version\x18\x05 \x01(\t\x12\x10\n\x08hostname\x18\x06 \x01(\t\x1a-\n\x0bLabelsEntry\x12\x0b\n\x03key\x18\x01 \x01(\t\x12\r\n\x05value\x18\x02 \x01(\t:\x028\x01"\x80\x01\n\x10RegisterResponse\x12\x10\n\x08agent_id\x18\x01 \x01(\t\x12\x13\n\x0bagent_token\x18\x02 \x01(\t\x12"\n\x1aheartbeat_interval_seconds\x18\x03 \x01(\x01\x12!\n\x19heartbeat_timeout_seconds\x18\x04 \x01(\x01"\x13\n\x11UnregisterRequest"\x14\n\x12UnregisterResponse"/\n\x10HeartbeatRequest\x12\x1b\n\x13running_job_run_ids\x18\x01 \x03(\t"?\n\x11HeartbeatResponse\x12*\n\x06cancel\x18\x01 \x03(\x0b2\x1a.arcade.agent.v1.CancelJob"\xb6\x01\n\x13UpdateLabelsRequest\x12@\n\x06labels\x18\x01 \x03(\x0b20.arcade.agent.v1.UpdateLabelsRequest.LabelsEntry\x12.\n\x04mode\x18\x02 \x01(\x0e2 .arcade.agent.v1.LabelUpdateMode\x1a-\n\x0bLabelsEntry\x12\x0b\n\x03key\x18\x01 \x01(\t\x12\r\n\x05value\x18\x02 \x01(\t:\x028\x01"\x88\x01\n\x14UpdateLabelsResponse\x12A\n\x06labels\x18\x01 \x03(\x0b21.arcade.agent.v1.UpdateLabelsResponse.LabelsEntry\x1a-\n\x0bLabelsEntry\x12\x0b\n\x03key\x18\x01 \x01(\t\x12\r\n\x05value\x18\x02 \x01(\t:\x028\x01"6\n\x05Hello\x12\x1b\n\x13running_job_run_ids\x18\x01 \x03(\t\x12\x10\n\x08capacity\x18\x02 \x01(\x05"(\n\tHeartbeat\x12\x1b\n\x13running_job_run_ids\x18\x01 \x03(\t"!\n\x0bDispatchAck\x12\x12\n\njob_run_id\x18\x01 \x01(\t"\xa2\x01\n\x0eConnectRequest\x12\'\n\x05hello\x18\x01 \x01(\x0b2\x16.arcade.agent.v1.HelloH\x00\x12/\n\theartbeat\x18\x02 \x01(\x0b2\x1a.arcade.agent.v1.HeartbeatH\x00\x12+\n\x03ack\x18\x03 \x01(\x0b2\x1c.arcade.agent.v1.DispatchAckH\x00B\t\n\x07message"\xa5\x02\n\x0eStepAssignment\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t\x12\r\n\x05index\x18\x02 \x01(\x05\x12\x0c\n\x04name\x18\x03 \x01(\t\x12\x0b\n\x03run\x18\x04 \x01(\t\x125\n\x03env\x18\x05 \x03(\x0b2(.arcade.agent.v1.StepAssignment.EnvEntry\x12\x17\n\x0ftimeout_seconds\x18\x06 \x01(\x01\x12\x19\n\x11continue_on_error\x18\x07 \x01(\x08\x12\x0c\n\x04when\x18\x08 \x01(\t\x12\x0c\n\x04uses\x18\t \x01(\t\x12\x0e\n\x06action\x18\n \x01(\t\x12\x11\n\targs_json\x18\x0b \x01(\t\x1a*\n\x08EnvEntry\x12\x0b\n\x03key\x18\x01 \x01(\t\x12\r\n\x05value\x18\x02 \x01(\t:\x028\x01"\xa8\x03\n\rJobAssignment\x12\x12\n\njob_run_id\x18\x01 \x01(\t\x12\x17\n\x0fpipeline_run_id\x18\x02 \x01(\t\x12\x15\n\rpipeline_name\x18\x03 \x01(\t\x12\x12\n\nrun_number\x18\x04 \x01(\x03\x12\x10\n\x08job_name\x18\x05 \x01(\t\x12\r\n\x05stage\x18\x06 \x01(\t\x12\x0f\n\x07attempt\x18\x07 \x01(\x05\x124\n\x03env\x18\x08 \x03(\x0b2\'.arcade.agent.v1.JobAssignment.EnvEntry\x12.\n\x05steps\x18\t \x03(\x0b2\x1f.arcade.agent.v1.StepAssignment\x12\x17\n\x0ftimeout_seconds\x18\n \x01(\x01\x12\x14\n\x0ccontext_json\x18\x0b \x01(\t\x120\n\tartifacts\x18\x0c \x03(\x0b2\x1d.arcade.agent.v1.ArtifactRule\x12\x1a\n\x12download_artifacts\x18\r \x03(\t\x1a*\n\x08EnvEntry\x12\x0b\n\x03key\x18\x01 \x01(\t\x12\r\n\x05value\x18\x02 \x01(\t:\x028\x01"?\n\x0cArtifactRule\x12\x0c\n\x04name\x18\x01 \x01(\t\x12\x0c\n\x04path\x18\x02 \x01(\t\x12\x13\n\x0bexpire_days\x18\x03 \x01(\x05"^\n\tCancelJob\x12\x12\n\njob_run_id\x18\x01 \x01(\t\x12\x0e\n\x06reason\x18\x02 \x01(\t\x12-\n\x06status\x18\x03 \x01(\x0e2\x1d.arcade.types.v1.JobRunStatus"U\n\x0cConfigUpdate\x12"\n\x1aheartbeat_interval_seconds\x18\x01 \x01(\x01\x12!\n\x19heartbeat_timeout_seconds\x18\x02 \x01(\x01"\xaf\x01\n\x0fConnectResponse\x122\n\x08dispatch\x18\x01 \x01(\x0b2\x1e.arcade.agent.v1.JobAssignmentH\x00\x12,\n\x06cancel\x18\x02 \x01(\x0b2\x1a.arcade.agent.v1.CancelJobH\x00\x12/\n\x06config\x18\x03 \x01(\x0b2\x1d.arcade.agent.v1.ConfigUpdateH\x00B\t\n\x07message"*\n\x12FetchJobRunRequest\x12\x14\n\x0cwait_seconds\x18\x01 \x01(\x01"I\n\x13FetchJobRunResponse\x122\n\nassignment\x18\x01 \x01(\x0b2\x1e.arcade.agent.v1.JobAssignment"\xeb\x01\n\x1aReportStepRunStatusRequest\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t\x12.\n\x06status\x18\x02 \x01(\x0e2\x1e.arcade.types.v1.StepRunStatus\x12\x11\n\texit_code\x18\x03 \x01(\x05\x12\x0f\n\x07message\x18\x04 \x01(\t\x12\x1a\n\x12start_time_unix_ms\x18\x05 \x01(\x03\x12\x1b\n\x13finish_time_unix_ms\x18\x06 \x01(\x03\x12\x16\n\x0elog_line_count\x18\x07 \x01(\x04\x12\x13\n\x0bresult_json\x18\x08 \x01(\t"\x1d\n\x1bReportStepRunStatusResponse"\xbb\x01\n\x19ReportJobRunStatusRequest\x12\x12\n\njob_run_id\x18\x01 \x01(\t\x12-\n\x06status\x18\x02 \x01(\x0e2\x1d.arcade.types.v1.JobRunStatus\x12\x11\n\texit_code\x18\x03 \x01(\x05\x12\x0f\n\x07message\x18\x04 \x01(\t\x12\x1a\n\x12start_time_unix_ms\x18\x05 \x01(\x03\x12\x1b\n\x13finish_time_unix_ms\x18\x06 \x01(\x03"\x1c\n\x1aReportJobRunStatusResponse"N\n\x16UploadArtifactMetadata\x12\x12\n\njob_run_id\x18\x01 \x01(\t\x12\x0c\n\x04name\x18\x02 \x01(\t\x12\x12\n\nfile_count\x18\x03 \x01(\x05"p\n\x15UploadArtifactRequest\x12;\n\x08metadata\x18\x01 \x01(\x0b2\'.arcade.agent.v1.UploadArtifactMetadataH\x00\x12\x0f\n\x05chunk\x18\x02 \x01(\x0cH\x00B\t\n\x07message"E\n\x16UploadArtifactResponse\x12+\n\x08artifact\x18\x01 \x01(\x0b2\x19.arcade.types.v1.Artifact";\n\x17DownloadArtifactRequest\x12\x12\n\njob_run_id\x18\x01 \x01(\t\x12\x0c\n\x04name\x18\x02 \x01(\t")\n\x18DownloadArtifactResponse\x12\r\n\x05chunk\x18\x01 \x01(\x0c"\'\n\x15DownloadPluginRequest\x12\x0e\n\x06sha256\x18\x01 \x01(\t"\'\n\x16DownloadPluginResponse\x12\r\n\x05chunk\x18\x01 \x01(\x0c"*\n\x1aGetRegistryMetadataRequest\x12\x0c\n\x04name\x18\x01 \x01(\t"+\n\x1bGetRegistryMetadataResponse\x12\x0c\n\x04data\x18\x01 \x01(\x0c*p\n\x0fLabelUpdateMode\x12!\n\x1dLABEL_UPDATE_MODE_UNSPECIFIED\x10\x00\x12\x1b\n\x17LABEL_UPDATE_MODE_MERGE\x10\x01\x12\x1d\n\x19LABEL_UPDATE_MODE_REPLACE\x10\x022\x9b\t\n\x0cAgentService\x12O\n\x08Register\x12 .arcade.agent.v1.RegisterRequest\x1a!.arcade.agent.v1.RegisterResponse\x12U\n\nUnregister\x12".arcade.agent.v1.UnregisterRequest\x1a#.arcade.agent.v1.UnregisterResponse\x12R\n\tHeartbeat\x12!.arcade.agent.v1.HeartbeatRequest\x1a".arcade.agent.v1.HeartbeatResponse\x12[\n\x0cUpdateLabels\x12$.arcade.agent.v1.UpdateLabelsRequest\x1a%.arcade.agent.v1.UpdateLabelsResponse\x12P\n\x07Connect\x12\x1f.arcade.agent.v1.ConnectRequest\x1a .arcade.agent.v1.ConnectResponse(\x010\x01\x12X\n\x0bFetchJobRun\x12#.arcade.agent.v1.FetchJobRunRequest\x1a$.arcade.agent.v1.FetchJobRunResponse\x12p\n\x13ReportStepRunStatus\x12+.arcade.agent.v1.ReportStepRunStatusRequest\x1a,.arcade.agent.v1.ReportStepRunStatusResponse\x12m\n\x12ReportJobRunStatus\x12*.arcade.agent.v1.ReportJobRunStatusRequest\x1a+.arcade.agent.v1.ReportJobRunStatusResponse\x12c\n\x0eUploadArtifact\x12&.arcade.agent.v1.UploadArtifactRequest\x1a\'.arcade.agent.v1.UploadArtifactResponse(\x01\x12i\n\x10DownloadArtifact\x12(.arcade.agent.v1.DownloadArtifactRequest\x1a).arcade.agent.v1.DownloadArtifactResponse0\x01\x12c\n\x0eDownloadPlugin\x12&.arcade.agent.v1.DownloadPluginRequest\x1a\'.arcade.agent.v1.DownloadPluginResponse0\x01\x12p\n\x13GetRegistryMetadata\x12+.arcade.agent.v1.GetRegistryMetadataRequest\x1a,.arcade.agent.v1.GetRegistryMetadataResponseb\x06proto3')
_globals = globals()
_builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, _globals)
_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'arcade.agent.v1.agent_pb2', _globals)
if not _descriptor._USE_C_DESCRIPTORS:
    DESCRIPTOR._loaded_options = None
    _globals['_REGISTERREQUEST_LABELSENTRY']._loaded_options = None
    _globals['_REGISTERREQUEST_LABELSENTRY']._serialized_options = b'8\x01'
    _globals['_UPDATELABELSREQUEST_LABELSENTRY']._loaded_options = None
    _globals['_UPDATELABELSREQUEST_LABELSENTRY']._serialized_options = b'8\x01'
    _globals['_UPDATELABELSRESPONSE_LABELSENTRY']._loaded_options = None
    _globals['_UPDATELABELSRESPONSE_LABELSENTRY']._serialized_options = b'8\x01'
    _globals['_STEPASSIGNMENT_ENVENTRY']._loaded_options = None
    _globals['_STEPASSIGNMENT_ENVENTRY']._serialized_options = b'8\x01'
    _globals['_JOBASSIGNMENT_ENVENTRY']._loaded_options = None
    _globals['_JOBASSIGNMENT_ENVENTRY']._serialized_options = b'8\x01'
    _globals['_LABELUPDATEMODE']._serialized_start = 3508
    _globals['_LABELUPDATEMODE']._serialized_end = 3620
    _globals['_REGISTERREQUEST']._serialized_start = 78
    _globals['_REGISTERREQUEST']._serialized_end = 299
    _globals['_REGISTERREQUEST_LABELSENTRY']._serialized_start = 254
    _globals['_REGISTERREQUEST_LABELSENTRY']._serialized_end = 299
    _globals['_REGISTERRESPONSE']._serialized_start = 302
    _globals['_REGISTERRESPONSE']._serialized_end = 430
    _globals['_UNREGISTERREQUEST']._serialized_start = 432
    _globals['_UNREGISTERREQUEST']._serialized_end = 451
    _globals['_UNREGISTERRESPONSE']._serialized_start = 453
    _globals['_UNREGISTERRESPONSE']._serialized_end = 473
    _globals['_HEARTBEATREQUEST']._serialized_start = 475
    _globals['_HEARTBEATREQUEST']._serialized_end = 522
    _globals['_HEARTBEATRESPONSE']._serialized_start = 524
    _globals['_HEARTBEATRESPONSE']._serialized_end = 587
    _globals['_UPDATELABELSREQUEST']._serialized_start = 590
    _globals['_UPDATELABELSREQUEST']._serialized_end = 772
    _globals['_UPDATELABELSREQUEST_LABELSENTRY']._serialized_start = 254
    _globals['_UPDATELABELSREQUEST_LABELSENTRY']._serialized_end = 299
    _globals['_UPDATELABELSRESPONSE']._serialized_start = 775
    _globals['_UPDATELABELSRESPONSE']._serialized_end = 911
    _globals['_UPDATELABELSRESPONSE_LABELSENTRY']._serialized_start = 254
    _globals['_UPDATELABELSRESPONSE_LABELSENTRY']._serialized_end = 299
    _globals['_HELLO']._serialized_start = 913
    _globals['_HELLO']._serialized_end = 967
    _globals['_HEARTBEAT']._serialized_start = 969
    _globals['_HEARTBEAT']._serialized_end = 1009
    _globals['_DISPATCHACK']._serialized_start = 1011
    _globals['_DISPATCHACK']._serialized_end = 1044
    _globals['_CONNECTREQUEST']._serialized_start = 1047
    _globals['_CONNECTREQUEST']._serialized_end = 1209
    _globals['_STEPASSIGNMENT']._serialized_start = 1212
    _globals['_STEPASSIGNMENT']._serialized_end = 1505
    _globals['_STEPASSIGNMENT_ENVENTRY']._serialized_start = 1463
    _globals['_STEPASSIGNMENT_ENVENTRY']._serialized_end = 1505
    _globals['_JOBASSIGNMENT']._serialized_start = 1508
    _globals['_JOBASSIGNMENT']._serialized_end = 1932
    _globals['_JOBASSIGNMENT_ENVENTRY']._serialized_start = 1463
    _globals['_JOBASSIGNMENT_ENVENTRY']._serialized_end = 1505
    _globals['_ARTIFACTRULE']._serialized_start = 1934
    _globals['_ARTIFACTRULE']._serialized_end = 1997
    _globals['_CANCELJOB']._serialized_start = 1999
    _globals['_CANCELJOB']._serialized_end = 2093
    _globals['_CONFIGUPDATE']._serialized_start = 2095
    _globals['_CONFIGUPDATE']._serialized_end = 2180
    _globals['_CONNECTRESPONSE']._serialized_start = 2183
    _globals['_CONNECTRESPONSE']._serialized_end = 2358
    _globals['_FETCHJOBRUNREQUEST']._serialized_start = 2360
    _globals['_FETCHJOBRUNREQUEST']._serialized_end = 2402
    _globals['_FETCHJOBRUNRESPONSE']._serialized_start = 2404
    _globals['_FETCHJOBRUNRESPONSE']._serialized_end = 2477
    _globals['_REPORTSTEPRUNSTATUSREQUEST']._serialized_start = 2480
    _globals['_REPORTSTEPRUNSTATUSREQUEST']._serialized_end = 2715
    _globals['_REPORTSTEPRUNSTATUSRESPONSE']._serialized_start = 2717
    _globals['_REPORTSTEPRUNSTATUSRESPONSE']._serialized_end = 2746
    _globals['_REPORTJOBRUNSTATUSREQUEST']._serialized_start = 2749
    _globals['_REPORTJOBRUNSTATUSREQUEST']._serialized_end = 2936
    _globals['_REPORTJOBRUNSTATUSRESPONSE']._serialized_start = 2938
    _globals['_REPORTJOBRUNSTATUSRESPONSE']._serialized_end = 2966
    _globals['_UPLOADARTIFACTMETADATA']._serialized_start = 2968
    _globals['_UPLOADARTIFACTMETADATA']._serialized_end = 3046
    _globals['_UPLOADARTIFACTREQUEST']._serialized_start = 3048
    _globals['_UPLOADARTIFACTREQUEST']._serialized_end = 3160
    _globals['_UPLOADARTIFACTRESPONSE']._serialized_start = 3162
    _globals['_UPLOADARTIFACTRESPONSE']._serialized_end = 3231
    _globals['_DOWNLOADARTIFACTREQUEST']._serialized_start = 3233
    _globals['_DOWNLOADARTIFACTREQUEST']._serialized_end = 3292
    _globals['_DOWNLOADARTIFACTRESPONSE']._serialized_start = 3294
    _globals['_DOWNLOADARTIFACTRESPONSE']._serialized_end = 3335
    _globals['_DOWNLOADPLUGINREQUEST']._serialized_start = 3337
    _globals['_DOWNLOADPLUGINREQUEST']._serialized_end = 3376
    _globals['_DOWNLOADPLUGINRESPONSE']._serialized_start = 3378
    _globals['_DOWNLOADPLUGINRESPONSE']._serialized_end = 3417
    _globals['_GETREGISTRYMETADATAREQUEST']._serialized_start = 3419
    _globals['_GETREGISTRYMETADATAREQUEST']._serialized_end = 3461
    _globals['_GETREGISTRYMETADATARESPONSE']._serialized_start = 3463
    _globals['_GETREGISTRYMETADATARESPONSE']._serialized_end = 3506
    _globals['_AGENTSERVICE']._serialized_start = 3623
    _globals['_AGENTSERVICE']._serialized_end = 4802