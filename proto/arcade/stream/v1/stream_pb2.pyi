from arcade.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union
DESCRIPTOR: _descriptor.FileDescriptor

class StreamStepRunLogRequest(_message.Message):
    __slots__ = ('step_run_id', 'from_seq', 'follow')
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_SEQ_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str
    from_seq: int
    follow: bool

    def __init__(self, step_run_id: _Optional[str]=..., from_seq: _Optional[int]=..., follow: bool=...) -> None:
        ...

class StreamStepRunLogResponse(_message.Message):
    __slots__ = ('lines',)
    LINES_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2.LogLine]

    def __init__(self, lines: _Optional[_Iterable[_Union[_types_pb2.LogLine, _Mapping]]]=...) -> None:
        ...

class StreamStepRunStatusRequest(_message.Message):
    __slots__ = ('step_run_id',)
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str

    def __init__(self, step_run_id: _Optional[str]=...) -> None:
        ...

class StreamStepRunStatusResponse(_message.Message):
    __slots__ = ('step_run',)
    STEP_RUN_FIELD_NUMBER: _ClassVar[int]
    step_run: _types_pb2.StepRun

    def __init__(self, step_run: _Optional[_Union[_types_pb2.StepRun, _Mapping]]=...) -> None:
        ...

class StreamJobStatusRequest(_message.Message):
    __slots__ = ('job_run_id',)
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    job_run_id: str

    def __init__(self, job_run_id: _Optional[str]=...) -> None:
        ...

class StreamJobStatusResponse(_message.Message):
    __slots__ = ('job_run',)
    JOB_RUN_FIELD_NUMBER: _ClassVar[int]
    job_run: _types_pb2.JobRun

    def __init__(self, job_run: _Optional[_Union[_types_pb2.JobRun, _Mapping]]=...) -> None:
        ...

class StreamPipelineStatusRequest(_message.Message):
    __slots__ = ('pipeline_run_id',)
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    pipeline_run_id: str

    def __init__(self, pipeline_run_id: _Optional[str]=...) -> None:
        ...

class StreamPipelineStatusResponse(_message.Message):
    __slots__ = ('run',)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: _types_pb2.PipelineRun

    def __init__(self, run: _Optional[_Union[_types_pb2.PipelineRun, _Mapping]]=...) -> None:
        ...

class StreamAgentStatusRequest(_message.Message):
    __slots__ = ('agent_id',)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str

    def __init__(self, agent_id: _Optional[str]=...) -> None:
        ...

class StreamAgentStatusResponse(_message.Message):
    __slots__ = ('agent',)
    AGENT_FIELD_NUMBER: _ClassVar[int]
    agent: _types_pb2.Agent

    def __init__(self, agent: _Optional[_Union[_types_pb2.Agent, _Mapping]]=...) -> None:
        ...

class StreamEventsRequest(_message.Message):
    __slots__ = ('after_id', 'kinds', 'pipeline_run_id')
    AFTER_ID_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    after_id: int
    kinds: _containers.RepeatedScalarFieldContainer[str]
    pipeline_run_id: str

    def __init__(self, after_id: _Optional[int]=..., kinds: _Optional[_Iterable[str]]=..., pipeline_run_id: _Optional[str]=...) -> None:
        ...

class StreamEventsResponse(_message.Message):
    __slots__ = ('event',)
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: _types_pb2.Event

    def __init__(self, event: _Optional[_Union[_types_pb2.Event, _Mapping]]=...) -> None:
        ...