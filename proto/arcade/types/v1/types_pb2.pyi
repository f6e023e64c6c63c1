from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union
DESCRIPTOR: _descriptor.FileDescriptor

class AgentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AGENT_STATUS_UNSPECIFIED: _ClassVar[AgentStatus]
    AGENT_STATUS_ONLINE: _ClassVar[AgentStatus]
    AGENT_STATUS_OFFLINE: _ClassVar[AgentStatus]
    AGENT_STATUS_BUSY: _ClassVar[AgentStatus]
    AGENT_STATUS_IDLE: _ClassVar[AgentStatus]

class StepRunStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STEP_RUN_STATUS_UNSPECIFIED: _ClassVar[StepRunStatus]
    STEP_RUN_STATUS_PENDING: _ClassVar[StepRunStatus]
    STEP_RUN_STATUS_QUEUED: _ClassVar[StepRunStatus]
    STEP_RUN_STATUS_RUNNING: _ClassVar[StepRunStatus]
    STEP_RUN_STATUS_SUCCESS: _ClassVar[StepRunStatus]
    STEP_RUN_STATUS_FAILED: _ClassVar[StepRunStatus]
    STEP_RUN_STATUS_CANCELLED: _ClassVar[StepRunStatus]
    STEP_RUN_STATUS_TIMEOUT: _ClassVar[StepRunStatus]
    STEP_RUN_STATUS_SKIPPED: _ClassVar[StepRunStatus]

class JobRunStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_RUN_STATUS_UNSPECIFIED: _ClassVar[JobRunStatus]
    JOB_RUN_STATUS_PENDING: _ClassVar[JobRunStatus]
    JOB_RUN_STATUS_QUEUED: _ClassVar[JobRunStatus]
    JOB_RUN_STATUS_RUNNING: _ClassVar[JobRunStatus]
    JOB_RUN_STATUS_SUCCESS: _ClassVar[JobRunStatus]
    JOB_RUN_STATUS_FAILED: _ClassVar[JobRunStatus]
    JOB_RUN_STATUS_CANCELLED: _ClassVar[JobRunStatus]
    JOB_RUN_STATUS_TIMEOUT: _ClassVar[JobRunStatus]
    JOB_RUN_STATUS_SKIPPED: _ClassVar[JobRunStatus]

class PipelineRunStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PIPELINE_RUN_STATUS_UNSPECIFIED: _ClassVar[PipelineRunStatus]
    PIPELINE_RUN_STATUS_PENDING: _ClassVar[PipelineRunStatus]
    PIPELINE_RUN_STATUS_RUNNING: _ClassVar[PipelineRunStatus]
    PIPELINE_RUN_STATUS_SUCCESS: _ClassVar[PipelineRunStatus]
    PIPELINE_RUN_STATUS_FAILED: _ClassVar[PipelineRunStatus]
    PIPELINE_RUN_STATUS_CANCELLED: _ClassVar[PipelineRunStatus]

class LogStream(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LOG_STREAM_UNSPECIFIED: _ClassVar[LogStream]
    LOG_STREAM_STDOUT: _ClassVar[LogStream]
    LOG_STREAM_STDERR: _ClassVar[LogStream]
    LOG_STREAM_SYSTEM: _ClassVar[LogStream]

class SelectorOperator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SELECTOR_OPERATOR_UNSPECIFIED: _ClassVar[SelectorOperator]
    SELECTOR_OPERATOR_IN: _ClassVar[SelectorOperator]
    SELECTOR_OPERATOR_NOT_IN: _ClassVar[SelectorOperator]
    SELECTOR_OPERATOR_EXISTS: _ClassVar[SelectorOperator]
    SELECTOR_OPERATOR_NOT_EXISTS: _ClassVar[SelectorOperator]
    SELECTOR_OPERATOR_GT: _ClassVar[SelectorOperator]
    SELECTOR_OPERATOR_LT: _ClassVar[SelectorOperator]
AGENT_STATUS_UNSPECIFIED: AgentStatus
AGENT_STATUS_ONLINE: AgentStatus
AGENT_STATUS_OFFLINE: AgentStatus
AGENT_STATUS_BUSY: AgentStatus
AGENT_STATUS_IDLE: AgentStatus
STEP_RUN_STATUS_UNSPECIFIED: StepRunStatus
STEP_RUN_STATUS_PENDING: StepRunStatus
STEP_RUN_STATUS_QUEUED: StepRunStatus
STEP_RUN_STATUS_RUNNING: StepRunStatus
STEP_RUN_STATUS_SUCCESS: StepRunStatus
STEP_RUN_STATUS_FAILED: StepRunStatus
STEP_RUN_STATUS_CANCELLED: StepRunStatus
STEP_RUN_STATUS_TIMEOUT: StepRunStatus
STEP_RUN_STATUS_SKIPPED: StepRunStatus
JOB_RUN_STATUS_UNSPECIFIED: JobRunStatus
JOB_RUN_STATUS_PENDING: JobRunStatus
JOB_RUN_STATUS_QUEUED: JobRunStatus
JOB_RUN_STATUS_RUNNING: JobRunStatus
JOB_RUN_STATUS_SUCCESS: JobRunStatus
JOB_RUN_STATUS_FAILED: JobRunStatus
JOB_RUN_STATUS_CANCELLED: JobRunStatus
JOB_RUN_STATUS_TIMEOUT: JobRunStatus
JOB_RUN_STATUS_SKIPPED: JobRunStatus
PIPELINE_RUN_STATUS_UNSPECIFIED: PipelineRunStatus
PIPELINE_RUN_STATUS_PENDING: PipelineRunStatus
PIPELINE_RUN_STATUS_RUNNING: PipelineRunStatus
PIPELINE_RUN_STATUS_SUCCESS: PipelineRunStatus
PIPELINE_RUN_STATUS_FAILED: PipelineRunStatus
PIPELINE_RUN_STATUS_CANCELLED: PipelineRunStatus
LOG_STREAM_UNSPECIFIED: LogStream
LOG_STREAM_STDOUT: LogStream
LOG_STREAM_STDERR: LogStream
LOG_STREAM_SYSTEM: LogStream
SELECTOR_OPERATOR_UNSPECIFIED: SelectorOperator
SELECTOR_OPERATOR_IN: SelectorOperator
SELECTOR_OPERATOR_NOT_IN: SelectorOperator
SELECTOR_OPERATOR_EXISTS: SelectorOperator
SELECTOR_OPERATOR_NOT_EXISTS: SelectorOperator
SELECTOR_OPERATOR_GT: SelectorOperator
SELECTOR_OPERATOR_LT: SelectorOperator

class LabelSelectorRequirement(_message.Message):
    __slots__ = ('key', 'operator', 'values')
    KEY_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    key: str
    operator: SelectorOperator
    values: _containers.RepeatedScalarFieldContainer[str]

    def __init__(self, key: _Optional[str]=..., operator: _Optional[_Union[SelectorOperator, str]]=..., values: _Optional[_Iterable[str]]=...) -> None:
        ...

class LabelSelector(_message.Message):
    __slots__ = ('match_labels', 'match_expressions')

    class MatchLabelsEntry(_message.Message):
        __slots__ = ('key', 'value')
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str

        def __init__(self, key: _Optional[str]=..., value: _Optional[str]=...) -> None:
            ...
    MATCH_LABELS_FIELD_NUMBER: _ClassVar[int]
    MATCH_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    match_labels: _containers.ScalarMap[str, str]
    match_expressions: _containers.RepeatedCompositeFieldContainer[LabelSelectorRequirement]

    def __init__(self, match_labels: _Optional[_Mapping[str, str]]=..., match_expressions: _Optional[_Iterable[_Union[LabelSelectorRequirement, _Mapping]]]=...) -> None:
        ...

class LogLine(_message.Message):
    __slots__ = ('seq', 'stream', 'text', 'time_unix_ms')
    SEQ_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    seq: int
    stream: LogStream
    text: str
    time_unix_ms: int

    def __init__(self, seq: _Optional[int]=..., stream: _Optional[_Union[LogStream, str]]=..., text: _Optional[str]=..., time_unix_ms: _Optional[int]=...) -> None:
        ...

class Agent(_message.Message):
    __slots__ = ('id', 'name', 'labels', 'capacity', 'status', 'running_jobs', 'last_heartbeat_time', 'register_time', 'version', 'hostname')

    class LabelsEntry(_message.Message):
        __slots__ = ('key', 'value')
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str

        def __init__(self, key: _Optional[str]=..., value: _Optional[str]=...) -> None:
            ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RUNNING_JOBS_FIELD_NUMBER: _ClassVar[int]
    LAST_HEARTBEAT_TIME_FIELD_NUMBER: _ClassVar[int]
    REGISTER_TIME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    labels: _containers.ScalarMap[str, str]
    capacity: int
    status: AgentStatus
    running_jobs: int
    last_heartbeat_time: _timestamp_pb2.Timestamp
    register_time: _timestamp_pb2.Timestamp
    version: str
    hostname: str

    def __init__(self, id: _Optional[str]=..., name: _Optional[str]=..., labels: _Optional[_Mapping[str, str]]=..., capacity: _Optional[int]=..., status: _Optional[_Union[AgentStatus, str]]=..., running_jobs: _Optional[int]=..., last_heartbeat_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., register_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., version: _Optional[str]=..., hostname: _Optional[str]=...) -> None:
        ...

class StepRun(_message.Message):
    __slots__ = ('id', 'job_run_id', 'pipeline_run_id', 'index', 'name', 'status', 'exit_code', 'message', 'start_time', 'finish_time', 'log_line_count', 'continue_on_error', 'uses', 'action', 'result_json')
    ID_FIELD_NUMBER: _ClassVar[int]
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    LOG_LINE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTINUE_ON_ERROR_FIELD_NUMBER: _ClassVar[int]
    USES_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    id: str
    job_run_id: str
    pipeline_run_id: str
    index: int
    name: str
    status: StepRunStatus
    exit_code: int
    message: str
    start_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    log_line_count: int
    continue_on_error: bool
    uses: str
    action: str
    result_json: str

    def __init__(self, id: _Optional[str]=..., job_run_id: _Optional[str]=..., pipeline_run_id: _Optional[str]=..., index: _Optional[int]=..., name: _Optional[str]=..., status: _Optional[_Union[StepRunStatus, str]]=..., exit_code: _Optional[int]=..., message: _Optional[str]=..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., finish_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., log_line_count: _Optional[int]=..., continue_on_error: bool=..., uses: _Optional[str]=..., action: _Optional[str]=..., result_json: _Optional[str]=...) -> None:
        ...

class JobRun(_message.Message):
    __slots__ = ('id', 'pipeline_run_id', 'name', 'stage', 'status', 'agent_id', 'attempt', 'exit_code', 'message', 'depends_on', 'agent_selector', 'queue_time', 'start_time', 'finish_time', 'steps', 'superseded')
    ID_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DEPENDS_ON_FIELD_NUMBER: _ClassVar[int]
    AGENT_SELECTOR_FIELD_NUMBER: _ClassVar[int]
    QUEUE_TIME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_FIELD_NUMBER: _ClassVar[int]
    id: str
    pipeline_run_id: str
    name: str
    stage: str
    status: JobRunStatus
    agent_id: str
    attempt: int
    exit_code: int
    message: str
    depends_on: _containers.RepeatedScalarFieldContainer[str]
    agent_selector: LabelSelector
    queue_time: _timestamp_pb2.Timestamp
    start_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    steps: _containers.RepeatedCompositeFieldContainer[StepRun]
    superseded: bool

    def __init__(self, id: _Optional[str]=..., pipeline_run_id: _Optional[str]=..., name: _Optional[str]=..., stage: _Optional[str]=..., status: _Optional[_Union[JobRunStatus, str]]=..., agent_id: _Optional[str]=..., attempt: _Optional[int]=..., exit_code: _Optional[int]=..., message: _Optional[str]=..., depends_on: _Optional[_Iterable[str]]=..., agent_selector: _Optional[_Union[LabelSelector, _Mapping]]=..., queue_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., finish_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., steps: _Optional[_Iterable[_Union[StepRun, _Mapping]]]=..., superseded: bool=...) -> None:
        ...

class StageRun(_message.Message):
    __slots__ = ('name', 'index', 'run_mode', 'start_time', 'approval_required', 'approval_status', 'approval_by', 'approval_time', 'approval_comment')
    NAME_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    RUN_MODE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_STATUS_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_BY_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_TIME_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_COMMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    index: int
    run_mode: str
    start_time: _timestamp_pb2.Timestamp
    approval_required: bool
    approval_status: str
    approval_by: str
    approval_time: _timestamp_pb2.Timestamp
    approval_comment: str

    def __init__(self, name: _Optional[str]=..., index: _Optional[int]=..., run_mode: _Optional[str]=..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., approval_required: bool=..., approval_status: _Optional[str]=..., approval_by: _Optional[str]=..., approval_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., approval_comment: _Optional[str]=...) -> None:
        ...

class PipelineRun(_message.Message):
    __slots__ = ('id', 'pipeline_id', 'pipeline_name', 'number', 'status', 'message', 'variables', 'trigger_type', 'create_time', 'start_time', 'finish_time', 'jobs', 'stages')

    class VariablesEntry(_message.Message):
        __slots__ = ('key', 'value')
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str

        def __init__(self, key: _Optional[str]=..., value: _Optional[str]=...) -> None:
            ...
    ID_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_ID_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_NAME_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_TYPE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    JOBS_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    id: str
    pipeline_id: str
    pipeline_name: str
    number: int
    status: PipelineRunStatus
    message: str
    variables: _containers.ScalarMap[str, str]
    trigger_type: str
    create_time: _timestamp_pb2.Timestamp
    start_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    jobs: _containers.RepeatedCompositeFieldContainer[JobRun]
    stages: _containers.RepeatedCompositeFieldContainer[StageRun]

    def __init__(self, id: _Optional[str]=..., pipeline_id: _Optional[str]=..., pipeline_name: _Optional[str]=..., number: _Optional[int]=..., status: _Optional[_Union[PipelineRunStatus, str]]=..., message: _Optional[str]=..., variables: _Optional[_Mapping[str, str]]=..., trigger_type: _Optional[str]=..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., finish_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., jobs: _Optional[_Iterable[_Union[JobRun, _Mapping]]]=..., stages: _Optional[_Iterable[_Union[StageRun, _Mapping]]]=...) -> None:
        ...

class Event(_message.Message):
    __slots__ = ('id', 'kind', 'pipeline_run_id', 'job_run_id', 'step_run_id', 'agent_id', 'status', 'message', 'payload_json', 'time')
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    kind: str
    pipeline_run_id: str
    job_run_id: str
    step_run_id: str
    agent_id: str
    status: str
    message: str
    payload_json: str
    time: _timestamp_pb2.Timestamp

    def __init__(self, id: _Optional[int]=..., kind: _Optional[str]=..., pipeline_run_id: _Optional[str]=..., job_run_id: _Optional[str]=..., step_run_id: _Optional[str]=..., agent_id: _Optional[str]=..., status: _Optional[str]=..., message: _Optional[str]=..., payload_json: _Optional[str]=..., time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=...) -> None:
        ...

class Artifact(_message.Message):
    __slots__ = ('id', 'pipeline_run_id', 'job_run_id', 'step_run_id', 'job_name', 'name', 'size', 'sha256', 'file_count', 'create_time', 'expire_time')
    ID_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_NAME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    FILE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    pipeline_run_id: str
    job_run_id: str
    step_run_id: str
    job_name: str
    name: str
    size: int
    sha256: str
    file_count: int
    create_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp

    def __init__(self, id: _Optional[str]=..., pipeline_run_id: _Optional[str]=..., job_run_id: _Optional[str]=..., step_run_id: _Optional[str]=..., job_name: _Optional[str]=..., name: _Optional[str]=..., size: _Optional[int]=..., sha256: _Optional[str]=..., file_count: _Optional[int]=..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., expire_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=...) -> None:
        ...