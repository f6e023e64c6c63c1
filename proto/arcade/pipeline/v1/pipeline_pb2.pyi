from arcade.types.v1 import types_pb2 as _types_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union
DESCRIPTOR: _descriptor.FileDescriptor

class Pipeline(_message.Message):
    __slots__ = ('id', 'name', 'spec_yaml', 'create_time', 'update_time')
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SPEC_YAML_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    spec_yaml: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp

    def __init__(self, id: _Optional[str]=..., name: _Optional[str]=..., spec_yaml: _Optional[str]=..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]]=...) -> None:
        ...

class SpecError(_message.Message):
    __slots__ = ('file', 'line', 'column', 'message')
    FILE_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    file: str
    line: int
    column: int
    message: str

    def __init__(self, file: _Optional[str]=..., line: _Optional[int]=..., column: _Optional[int]=..., message: _Optional[str]=...) -> None:
        ...

class CreatePipelineRequest(_message.Message):
    __slots__ = ('spec_yaml', 'file_name', 'upsert')
    SPEC_YAML_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    UPSERT_FIELD_NUMBER: _ClassVar[int]
    spec_yaml: str
    file_name: str
    upsert: bool

    def __init__(self, spec_yaml: _Optional[str]=..., file_name: _Optional[str]=..., upsert: bool=...) -> None:
        ...

class CreatePipelineResponse(_message.Message):
    __slots__ = ('pipeline',)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: Pipeline

    def __init__(self, pipeline: _Optional[_Union[Pipeline, _Mapping]]=...) -> None:
        ...

class UpdatePipelineRequest(_message.Message):
    __slots__ = ('pipeline', 'spec_yaml', 'file_name')
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    SPEC_YAML_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    pipeline: str
    spec_yaml: str
    file_name: str

    def __init__(self, pipeline: _Optional[str]=..., spec_yaml: _Optional[str]=..., file_name: _Optional[str]=...) -> None:
        ...

class UpdatePipelineResponse(_message.Message):
    __slots__ = ('pipeline',)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: Pipeline

    def __init__(self, pipeline: _Optional[_Union[Pipeline, _Mapping]]=...) -> None:
        ...

class GetPipelineRequest(_message.Message):
    __slots__ = ('pipeline',)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: str

    def __init__(self, pipeline: _Optional[str]=...) -> None:
        ...

class GetPipelineResponse(_message.Message):
    __slots__ = ('pipeline',)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: Pipeline

    def __init__(self, pipeline: _Optional[_Union[Pipeline, _Mapping]]=...) -> None:
        ...

class ListPipelinesRequest(_message.Message):
    __slots__ = ()

    def __init__(self) -> None:
        ...

class ListPipelinesResponse(_message.Message):
    __slots__ = ('pipelines',)
    PIPELINES_FIELD_NUMBER: _ClassVar[int]
    pipelines: _containers.RepeatedCompositeFieldContainer[Pipeline]

    def __init__(self, pipelines: _Optional[_Iterable[_Union[Pipeline, _Mapping]]]=...) -> None:
        ...

class DeletePipelineRequest(_message.Message):
    __slots__ = ('pipeline',)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: str

    def __init__(self, pipeline: _Optional[str]=...) -> None:
        ...

class DeletePipelineResponse(_message.Message):
    __slots__ = ()

    def __init__(self) -> None:
        ...

class TriggerPipelineRequest(_message.Message):
    __slots__ = ('pipeline', 'variables', 'request_id')

    class VariablesEntry(_message.Message):
        __slots__ = ('key', 'value')
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str

        def __init__(self, key: _Optional[str]=..., value: _Optional[str]=...) -> None:
            ...
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    pipeline: str
    variables: _containers.ScalarMap[str, str]
    request_id: str

    def __init__(self, pipeline: _Optional[str]=..., variables: _Optional[_Mapping[str, str]]=..., request_id: _Optional[str]=...) -> None:
        ...

class TriggerPipelineResponse(_message.Message):
    __slots__ = ('run',)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: _types_pb2.PipelineRun

    def __init__(self, run: _Optional[_Union[_types_pb2.PipelineRun, _Mapping]]=...) -> None:
        ...

class StopPipelineRequest(_message.Message):
    __slots__ = ('pipeline_run_id',)
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    pipeline_run_id: str

    def __init__(self, pipeline_run_id: _Optional[str]=...) -> None:
        ...

class StopPipelineResponse(_message.Message):
    __slots__ = ('run',)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: _types_pb2.PipelineRun

    def __init__(self, run: _Optional[_Union[_types_pb2.PipelineRun, _Mapping]]=...) -> None:
        ...

class GetPipelineRunRequest(_message.Message):
    __slots__ = ('pipeline_run_id',)
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    pipeline_run_id: str

    def __init__(self, pipeline_run_id: _Optional[str]=...) -> None:
        ...

class GetPipelineRunResponse(_message.Message):
    __slots__ = ('run',)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: _types_pb2.PipelineRun

    def __init__(self, run: _Optional[_Union[_types_pb2.PipelineRun, _Mapping]]=...) -> None:
        ...

class ListPipelineRunsRequest(_message.Message):
    __slots__ = ('pipeline', 'limit')
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    pipeline: str
    limit: int

    def __init__(self, pipeline: _Optional[str]=..., limit: _Optional[int]=...) -> None:
        ...

class ListPipelineRunsResponse(_message.Message):
    __slots__ = ('runs',)
    RUNS_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[_types_pb2.PipelineRun]

    def __init__(self, runs: _Optional[_Iterable[_Union[_types_pb2.PipelineRun, _Mapping]]]=...) -> None:
        ...

class ValidatePipelineSpecRequest(_message.Message):
    __slots__ = ('spec_yaml', 'file_name')
    SPEC_YAML_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    spec_yaml: str
    file_name: str

    def __init__(self, spec_yaml: _Optional[str]=..., file_name: _Optional[str]=...) -> None:
        ...

class ValidatePipelineSpecResponse(_message.Message):
    __slots__ = ('valid', 'errors')
    VALID_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    errors: _containers.RepeatedCompositeFieldContainer[SpecError]

    def __init__(self, valid: bool=..., errors: _Optional[_Iterable[_Union[SpecError, _Mapping]]]=...) -> None:
        ...

class ApproveStageRequest(_message.Message):
    __slots__ = ('pipeline_run_id', 'stage', 'comment')
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    pipeline_run_id: str
    stage: str
    comment: str

    def __init__(self, pipeline_run_id: _Optional[str]=..., stage: _Optional[str]=..., comment: _Optional[str]=...) -> None:
        ...

class ApproveStageResponse(_message.Message):
    __slots__ = ('run',)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: _types_pb2.PipelineRun

    def __init__(self, run: _Optional[_Union[_types_pb2.PipelineRun, _Mapping]]=...) -> None:
        ...

class RejectStageRequest(_message.Message):
    __slots__ = ('pipeline_run_id', 'stage', 'comment')
    PIPELINE_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    pipeline_run_id: str
    stage: str
    comment: str

    def __init__(self, pipeline_run_id: _Optional[str]=..., stage: _Optional[str]=..., comment: _Optional[str]=...) -> None:
        ...

class RejectStageResponse(_message.Message):
    __slots__ = ('run',)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: _types_pb2.PipelineRun

    def __init__(self, run: _Optional[_Union[_types_pb2.PipelineRun, _Mapping]]=...) -> None:
        ...