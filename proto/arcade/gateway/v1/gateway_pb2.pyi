from arcade.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union
DESCRIPTOR: _descriptor.FileDescriptor

class PushLogsRequest(_message.Message):
    __slots__ = ('step_run_id', 'lines')
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2.LogLine]

    def __init__(self, step_run_id: _Optional[str]=..., lines: _Optional[_Iterable[_Union[_types_pb2.LogLine, _Mapping]]]=...) -> None:
        ...

class LogAck(_message.Message):
    __slots__ = ('step_run_id', 'last_accepted_seq')
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_ACCEPTED_SEQ_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str
    last_accepted_seq: int

    def __init__(self, step_run_id: _Optional[str]=..., last_accepted_seq: _Optional[int]=...) -> None:
        ...

class PushLogsResponse(_message.Message):
    __slots__ = ('acks',)
    ACKS_FIELD_NUMBER: _ClassVar[int]
    acks: _containers.RepeatedCompositeFieldContainer[LogAck]

    def __init__(self, acks: _Optional[_Iterable[_Union[LogAck, _Mapping]]]=...) -> None:
        ...

class AgentEvent(_message.Message):
    __slots__ = ('seq', 'kind', 'job_run_id', 'step_run_id', 'message', 'payload_json', 'time_unix_ms')
    SEQ_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    seq: int
    kind: str
    job_run_id: str
    step_run_id: str
    message: str
    payload_json: str
    time_unix_ms: int

    def __init__(self, seq: _Optional[int]=..., kind: _Optional[str]=..., job_run_id: _Optional[str]=..., step_run_id: _Optional[str]=..., message: _Optional[str]=..., payload_json: _Optional[str]=..., time_unix_ms: _Optional[int]=...) -> None:
        ...

class PushEventsRequest(_message.Message):
    __slots__ = ('events',)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[AgentEvent]

    def __init__(self, events: _Optional[_Iterable[_Union[AgentEvent, _Mapping]]]=...) -> None:
        ...

class PushEventsResponse(_message.Message):
    __slots__ = ('last_accepted_seq',)
    LAST_ACCEPTED_SEQ_FIELD_NUMBER: _ClassVar[int]
    last_accepted_seq: int

    def __init__(self, last_accepted_seq: _Optional[int]=...) -> None:
        ...