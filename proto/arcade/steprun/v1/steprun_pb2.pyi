from arcade.types.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union
DESCRIPTOR: _descriptor.FileDescriptor

class GetStepRunRequest(_message.Message):
    __slots__ = ('step_run_id',)
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str

    def __init__(self, step_run_id: _Optional[str]=...) -> None:
        ...

class GetStepRunResponse(_message.Message):
    __slots__ = ('step_run',)
    STEP_RUN_FIELD_NUMBER: _ClassVar[int]
    step_run: _types_pb2.StepRun

    def __init__(self, step_run: _Optional[_Union[_types_pb2.StepRun, _Mapping]]=...) -> None:
        ...

class ListStepRunsRequest(_message.Message):
    __slots__ = ('pipeline_run_id', 'job_run_id')
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    pipeline_run_id: str
    job_run_id: str

    def __init__(self, pipeline_run_id: _Optional[str]=..., job_run_id: _Optional[str]=...) -> None:
        ...

class ListStepRunsResponse(_message.Message):
    __slots__ = ('step_runs',)
    STEP_RUNS_FIELD_NUMBER: _ClassVar[int]
    step_runs: _containers.RepeatedCompositeFieldContainer[_types_pb2.StepRun]

    def __init__(self, step_runs: _Optional[_Iterable[_Union[_types_pb2.StepRun, _Mapping]]]=...) -> None:
        ...

class CancelStepRunRequest(_message.Message):
    __slots__ = ('step_run_id',)
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str

    def __init__(self, step_run_id: _Optional[str]=...) -> None:
        ...

class CancelStepRunResponse(_message.Message):
    __slots__ = ('step_run',)
    STEP_RUN_FIELD_NUMBER: _ClassVar[int]
    step_run: _types_pb2.StepRun

    def __init__(self, step_run: _Optional[_Union[_types_pb2.StepRun, _Mapping]]=...) -> None:
        ...

class GetStepRunLogRequest(_message.Message):
    __slots__ = ('step_run_id', 'from_seq', 'limit')
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_SEQ_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str
    from_seq: int
    limit: int

    def __init__(self, step_run_id: _Optional[str]=..., from_seq: _Optional[int]=..., limit: _Optional[int]=...) -> None:
        ...

class GetStepRunLogResponse(_message.Message):
    __slots__ = ('lines', 'complete')
    LINES_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[_types_pb2.LogLine]
    complete: bool

    def __init__(self, lines: _Optional[_Iterable[_Union[_types_pb2.LogLine, _Mapping]]]=..., complete: bool=...) -> None:
        ...

class ListStepRunArtifactsRequest(_message.Message):
    __slots__ = ('pipeline_run_id', 'job_run_id', 'step_run_id')
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    pipeline_run_id: str
    job_run_id: str
    step_run_id: str

    def __init__(self, pipeline_run_id: _Optional[str]=..., job_run_id: _Optional[str]=..., step_run_id: _Optional[str]=...) -> None:
        ...

class ListStepRunArtifactsResponse(_message.Message):
    __slots__ = ('artifacts',)
    ARTIFACTS_FIELD_NUMBER: _ClassVar[int]
    artifacts: _containers.RepeatedCompositeFieldContainer[_types_pb2.Artifact]

    def __init__(self, artifacts: _Optional[_Iterable[_Union[_types_pb2.Artifact, _Mapping]]]=...) -> None:
        ...

class RetryStepRunRequest(_message.Message):
    __slots__ = ('step_run_id', 'job_run_id')
    STEP_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    step_run_id: str
    job_run_id: str

    def __init__(self, step_run_id: _Optional[str]=..., job_run_id: _Optional[str]=...) -> None:
        ...

class RetryStepRunResponse(_message.Message):
    __slots__ = ('job_run',)
    JOB_RUN_FIELD_NUMBER: _ClassVar[int]
    job_run: _types_pb2.JobRun

    def __init__(self, job_run: _Optional[_Union[_types_pb2.JobRun, _Mapping]]=...) -> None:
        ...