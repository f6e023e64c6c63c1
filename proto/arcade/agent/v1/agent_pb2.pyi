from arcade.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union
DESCRIPTOR: _descriptor.FileDescriptor

class LabelUpdateMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LABEL_UPDATE_MODE_UNSPECIFIED: _ClassVar[LabelUpdateMode]
    LABEL_UPDATE_MODE_MERGE: _ClassVar[LabelUpdateMode]
    LABEL_UPDATE_MODE_REPLACE: _ClassVar[LabelUpdateMode]
LABEL_UPDATE_MODE_UNSPECIFIED: LabelUpdateMode
LABEL_UPDATE_MODE_MERGE: LabelUpdateMode
LABEL_UPDATE_MODE_REPLACE: LabelUpdateMode

class RegisterRequest(_message.Message):
    __slots__ = ('registration_token', 'name', 'labels', 'capacity', 'version', 'hostname', 'installed_plugins')

    class LabelsEntry(_message.Message):
        __slots__ = ('key', 'value')
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str

        def __init__(self, key: _Optional[str]=..., value: _Optional[str]=...) -> None:
            ...
    REGISTRATION_TOKEN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    INSTALLED_PLUGINS_FIELD_NUMBER: _ClassVar[int]
    registration_token: str
    name: str
    labels: _containers.ScalarMap[str, str]
    capacity: int
    version: str
    hostname: str
    installed_plugins: _containers.RepeatedCompositeFieldContainer[InstalledPlugin]

    def __init__(self, registration_token: _Optional[str]=..., name: _Optional[str]=..., labels: _Optional[_Mapping[str, str]]=..., capacity: _Optional[int]=..., version: _Optional[str]=..., hostname: _Optional[str]=..., installed_plugins: _Optional[_Iterable[_Union[InstalledPlugin, _Mapping]]]=...) -> None:
        ...

class InstalledPlugin(_message.Message):
    __slots__ = ('name', 'version', 'sha256', 'source')
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    sha256: str
    source: str

    def __init__(self, name: _Optional[str]=..., version: _Optional[str]=..., sha256: _Optional[str]=..., source: _Optional[str]=...) -> None:
        ...

class RegisterResponse(_message.Message):
    __slots__ = ('agent_id', 'agent_token', 'heartbeat_interval_seconds', 'heartbeat_timeout_seconds')
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    agent_token: str
    heartbeat_interval_seconds: float
    heartbeat_timeout_seconds: float

    def __init__(self, agent_id: _Optional[str]=..., agent_token: _Optional[str]=..., heartbeat_interval_seconds: _Optional[float]=..., heartbeat_timeout_seconds: _Optional[float]=...) -> None:
        ...

class UnregisterRequest(_message.Message):
    __slots__ = ()

    def __init__(self) -> None:
        ...

class UnregisterResponse(_message.Message):
    __slots__ = ()

    def __init__(self) -> None:
        ...

class HeartbeatRequest(_message.Message):
    __slots__ = ('running_job_run_ids',)
    RUNNING_JOB_RUN_IDS_FIELD_NUMBER: _ClassVar[int]
    running_job_run_ids: _containers.RepeatedScalarFieldContainer[str]

    def __init__(self, running_job_run_ids: _Optional[_Iterable[str]]=...) -> None:
        ...

class HeartbeatResponse(_message.Message):
    __slots__ = ('cancel',)
    CANCEL_FIELD_NUMBER: _ClassVar[int]
    cancel: _containers.RepeatedCompositeFieldContainer[CancelJob]

    def __init__(self, cancel: _Optional[_Iterable[_Union[CancelJob, _Mapping]]]=...) -> None:
        ...

class UpdateLabelsRequest(_message.Message):
    __slots__ = ('labels', 'mode')

    class LabelsEntry(_message.Message):
        __slots__ = ('key', 'value')
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str

        def __init__(self, key: _Optional[str]=..., value: _Optional[str]=...) -> None:
            ...
    LABELS_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    labels: _containers.ScalarMap[str, str]
    mode: LabelUpdateMode

    def __init__(self, labels: _Optional[_Mapping[str, str]]=..., mode: _Optional[_Union[LabelUpdateMode, str]]=...) -> None:
        ...

class UpdateLabelsResponse(_message.Message):
    __slots__ = ('labels',)

    class LabelsEntry(_message.Message):
        __slots__ = ('key', 'value')
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str

        def __init__(self, key: _Optional[str]=..., value: _Optional[str]=...) -> None:
            ...
    LABELS_FIELD_NUMBER: _ClassVar[int]
    labels: _containers.ScalarMap[str, str]

    def __init__(self, labels: _Optional[_Mapping[str, str]]=...) -> None:
        ...

class Hello(_message.Message):
    __slots__ = ('running_job_run_ids', 'capacity')
    RUNNING_JOB_RUN_IDS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    running_job_run_ids: _containers.RepeatedScalarFieldContainer[str]
    capacity: int

    def __init__(self, running_job_run_ids: _Optional[_Iterable[str]]=..., capacity: _Optional[int]=...) -> None:
        ...

class Heartbeat(_message.Message):
    __slots__ = ('running_job_run_ids',)
    RUNNING_JOB_RUN_IDS_FIELD_NUMBER: _ClassVar[int]
    running_job_run_ids: _containers.RepeatedScalarFieldContainer[str]

    def __init__(self, running_job_run_ids: _Optional[_Iterable[str]]=...) -> None:
        ...

class DispatchAck(_message.Message):
    __slots__ = ('job_run_id',)
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    job_run_id: str

    def __init__(self, job_run_id: _Optional[str]=...) -> None:
        ...

class ConnectRequest(_message.Message):
    __slots__ = ('hello', 'heartbeat', 'ack')
    HELLO_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    ACK_FIELD_NUMBER: _ClassVar[int]
    hello: Hello
    heartbeat: Heartbeat
    ack: DispatchAck

    def __init__(self, hello: _Optional[_Union[Hello, _Mapping]]=..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]]=..., ack: _Optional[_Union[DispatchAck, _Mapping]]=...) -> None:
        ...

class StepAssignment(_message.Message):
    __slots__ = ('step_run_id', 'index', 'name', 'run', 'env', 'timeout_seconds', 'continue_on_error', 'when', 'uses', 'action', 'args_json', 'plugin')

    class EnvEntry(_message.Message):
        __slots__ = ('key', 'value')
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str

        def __init__(self, key: _Optional[str]=..., value: _Optional[str]=...) -> None:
            ...
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CONTINUE_ON_ERROR_FIELD_NUMBER: _ClassVar[int]
    WHEN_FIELD_NUMBER: _ClassVar[int]
    USES_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ARGS_JSON_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str
    index: int
    name: str
    run: str
    env: _containers.ScalarMap[str, str]
    timeout_seconds: float
    continue_on_error: bool
    when: str
    uses: str
    action: str
    args_json: str
    plugin: PluginPin

    def __init__(self, step_run_id: _Optional[str]=..., index: _Optional[int]=..., name: _Optional[str]=..., run: _Optional[str]=..., env: _Optional[_Mapping[str, str]]=..., timeout_seconds: _Optional[float]=..., continue_on_error: bool=..., when: _Optional[str]=..., uses: _Optional[str]=..., action: _Optional[str]=..., args_json: _Optional[str]=..., plugin: _Optional[_Union[PluginPin, _Mapping]]=...) -> None:
        ...

class PluginPin(_message.Message):
    __slots__ = ('version', 'sha256', 'config_json', 'refused')
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    REFUSED_FIELD_NUMBER: _ClassVar[int]
    version: str
    sha256: str
    config_json: str
    refused: str

    def __init__(self, version: _Optional[str]=..., sha256: _Optional[str]=..., config_json: _Optional[str]=..., refused: _Optional[str]=...) -> None:
        ...

class JobAssignment(_message.Message):
    __slots__ = ('job_run_id', 'pipeline_run_id', 'pipeline_name', 'run_number', 'job_name', 'stage', 'attempt', 'env', 'steps', 'timeout_seconds', 'context_json', 'artifacts', 'download_artifacts')

    class EnvEntry(_message.Message):
        __slots__ = ('key', 'value')
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str

        def __init__(self, key: _Optional[str]=..., value: _Optional[str]=...) -> None:
            ...
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_NAME_FIELD_NUMBER: _ClassVar[int]
    RUN_NUMBER_FIELD_NUMBER: _ClassVar[int]
    JOB_NAME_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_JSON_FIELD_NUMBER: _ClassVar[int]
    ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    DOWNLOAD_ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    job_run_id: str
    pipeline_run_id: str
    pipeline_name: str
    run_number: int
    job_name: str
    stage: str
    attempt: int
    env: _containers.ScalarMap[str, str]
    steps: _containers.RepeatedCompositeFieldContainer[StepAssignment]
    timeout_seconds: float
    context_json: str
    artifacts: _containers.RepeatedCompositeFieldContainer[ArtifactRule]
    download_artifacts: _containers.RepeatedScalarFieldContainer[str]

    def __init__(self, job_run_id: _Optional[str]=..., pipeline_run_id: _Optional[str]=..., pipeline_name: _Optional[str]=..., run_number: _Optional[int]=..., job_name: _Optional[str]=..., stage: _Optional[str]=..., attempt: _Optional[int]=..., env: _Optional[_Mapping[str, str]]=..., steps: _Optional[_Iterable[_Union[StepAssignment, _Mapping]]]=..., timeout_seconds: _Optional[float]=..., context_json: _Optional[str]=..., artifacts: _Optional[_Iterable[_Union[ArtifactRule, _Mapping]]]=..., download_artifacts: _Optional[_Iterable[str]]=...) -> None:
        ...

class ArtifactRule(_message.Message):
    __slots__ = ('name', 'path', 'expire_days')
    NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_DAYS_FIELD_NUMBER: _ClassVar[int]
    name: str
    path: str
    expire_days: int

    def __init__(self, name: _Optional[str]=..., path: _Optional[str]=..., expire_days: _Optional[int]=...) -> None:
        ...

class CancelJob(_message.Message):
    __slots__ = ('job_run_id', 'reason', 'status')
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    job_run_id: str
    reason: str
    status: _types_pb2.JobRunStatus

    def __init__(self, job_run_id: _Optional[str]=..., reason: _Optional[str]=..., status: _Optional[_Union[_types_pb2.JobRunStatus, str]]=...) -> None:
        ...

class ConfigUpdate(_message.Message):
    __slots__ = ('heartbeat_interval_seconds', 'heartbeat_timeout_seconds')
    HEARTBEAT_INTERVAL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    heartbeat_interval_seconds: float
    heartbeat_timeout_seconds: float

    def __init__(self, heartbeat_interval_seconds: _Optional[float]=..., heartbeat_timeout_seconds: _Optional[float]=...) -> None:
        ...

class ConnectResponse(_message.Message):
    __slots__ = ('dispatch', 'cancel', 'config', 'evict')
    DISPATCH_FIELD_NUMBER: _ClassVar[int]
    CANCEL_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    EVICT_FIELD_NUMBER: _ClassVar[int]
    dispatch: JobAssignment
    cancel: CancelJob
    config: ConfigUpdate
    evict: EvictPlugins

    def __init__(self, dispatch: _Optional[_Union[JobAssignment, _Mapping]]=..., cancel: _Optional[_Union[CancelJob, _Mapping]]=..., config: _Optional[_Union[ConfigUpdate, _Mapping]]=..., evict: _Optional[_Union[EvictPlugins, _Mapping]]=...) -> None:
        ...

class EvictPlugins(_message.Message):
    __slots__ = ('sha256', 'reason')
    SHA256_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    sha256: _containers.RepeatedScalarFieldContainer[str]
    reason: str

    def __init__(self, sha256: _Optional[_Iterable[str]]=..., reason: _Optional[str]=...) -> None:
        ...

class FetchJobRunRequest(_message.Message):
    __slots__ = ('wait_seconds',)
    WAIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    wait_seconds: float

    def __init__(self, wait_seconds: _Optional[float]=...) -> None:
        ...

class FetchJobRunResponse(_message.Message):
    __slots__ = ('assignment',)
    ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    assignment: JobAssignment

    def __init__(self, assignment: _Optional[_Union[JobAssignment, _Mapping]]=...) -> None:
        ...

class ReportStepRunStatusRequest(_message.Message):
    __slots__ = ('step_run_id', 'status', 'exit_code', 'message', 'start_time_unix_ms', 'finish_time_unix_ms', 'log_line_count', 'result_json')
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    LOG_LINE_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str
    status: _types_pb2.StepRunStatus
    exit_code: int
    message: str
    start_time_unix_ms: int
    finish_time_unix_ms: int
    log_line_count: int
    result_json: str

    def __init__(self, step_run_id: _Optional[str]=..., status: _Optional[_Union[_types_pb2.StepRunStatus, str]]=..., exit_code: _Optional[int]=..., message: _Optional[str]=..., start_time_unix_ms: _Optional[int]=..., finish_time_unix_ms: _Optional[int]=..., log_line_count: _Optional[int]=..., result_json: _Optional[str]=...) -> None:
        ...

class ReportStepRunStatusResponse(_message.Message):
    __slots__ = ()

    def __init__(self) -> None:
        ...

class ReportJobRunStatusRequest(_message.Message):
    __slots__ = ('job_run_id', 'status', 'exit_code', 'message', 'start_time_unix_ms', 'finish_time_unix_ms')
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    job_run_id: str
    status: _types_pb2.JobRunStatus
    exit_code: int
    message: str
    start_time_unix_ms: int
    finish_time_unix_ms: int

    def __init__(self, job_run_id: _Optional[str]=..., status: _Optional[_Union[_types_pb2.JobRunStatus, str]]=..., exit_code: _Optional[int]=..., message: _Optional[str]=..., start_time_unix_ms: _Optional[int]=..., finish_time_unix_ms: _Optional[int]=...) -> None:
        ...

class ReportJobRunStatusResponse(_message.Message):
    __slots__ = ()

    def __init__(self) -> None:
        ...

class UploadArtifactMetadata(_message.Message):
    __slots__ = ('job_run_id', 'name', 'file_count')
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILE_COUNT_FIELD_NUMBER: _ClassVar[int]
    job_run_id: str
    name: str
    file_count: int

    def __init__(self, job_run_id: _Optional[str]=..., name: _Optional[str]=..., file_count: _Optional[int]=...) -> None:
        ...

class UploadArtifactRequest(_message.Message):
    __slots__ = ('metadata', 'chunk')
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    metadata: UploadArtifactMetadata
    chunk: bytes

    def __init__(self, metadata: _Optional[_Union[UploadArtifactMetadata, _Mapping]]=..., chunk: _Optional[bytes]=...) -> None:
        ...

class UploadArtifactResponse(_message.Message):
    __slots__ = ('artifact',)
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    artifact: _types_pb2.Artifact

    def __init__(self, artifact: _Optional[_Union[_types_pb2.Artifact, _Mapping]]=...) -> None:
        ...

class DownloadArtifactRequest(_message.Message):
    __slots__ = ('job_run_id', 'name')
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    job_run_id: str
    name: str

    def __init__(self, job_run_id: _Optional[str]=..., name: _Optional[str]=...) -> None:
        ...

class DownloadArtifactResponse(_message.Message):
    __slots__ = ('chunk',)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes

    def __init__(self, chunk: _Optional[bytes]=...) -> None:
        ...

class DownloadPluginRequest(_message.Message):
    __slots__ = ('sha256',)
    SHA256_FIELD_NUMBER: _ClassVar[int]
    sha256: str

    def __init__(self, sha256: _Optional[str]=...) -> None:
        ...

class DownloadPluginResponse(_message.Message):
    __slots__ = ('chunk',)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes

    def __init__(self, chunk: _Optional[bytes]=...) -> None:
        ...

class GetRegistryMetadataRequest(_message.Message):
    __slots__ = ('name',)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str

    def __init__(self, name: _Optional[str]=...) -> None:
        ...

class GetRegistryMetadataResponse(_message.Message):
    __slots__ = ('data',)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes

    def __init__(self, data: _Optional[bytes]=...) -> None:
        ...