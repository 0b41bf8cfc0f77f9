//! How an exposed route, tool or resource produces its result.

use crate::{List, Nested, OperationId, PathSegment, Str, Value, ValueType};

/// How an exposed route or tool produces its result.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum Handler {
    /// One upstream call; `args` bind inputs of `operation`.
    Call {
        operation: OperationId,
        args: List<Arg>,
        output: Output,
    },
    /// Sequential steps, then `mappings` into a JSON object (orchestration).
    Steps { steps: List<Step>, output: Output },
    /// A fixed response from the spec (mock outputs with `value`/`const`).
    Static { body: Str, content_type: Str },
}

/// One input of a consumed operation and where its value comes from.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct Arg {
    /// The name of an input of the operation called.
    pub input: Str,
    pub value: Value,
}

/// One step of an orchestration.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum Step {
    Call {
        name: Str,
        operation: OperationId,
        args: List<Arg>,
    },
    /// `type: lookup`: find, in the array output of step `index`, the elements whose `match`
    /// field equals `lookup_value` (a value or an array of values), keeping `fields`.
    Lookup {
        name: Str,
        index: Str,
        match_field: Str,
        lookup_value: Value,
        fields: List<Str>,
    },
}

/// The shape of a result.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum Output {
    /// The whole upstream body, passed through byte for byte with its content type.
    Passthrough,
    /// A JSON value built from the upstream body (or, after steps, from the step outputs).
    Mapped(Mapping),
}

/// A compiled output mapping.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum Mapping {
    /// The value at `path` (relative to the current node), converted to `ty` when it is a
    /// scalar type.
    Select {
        path: List<PathSegment>,
        ty: ValueType,
    },
    /// An object with named fields; `path` selects the node the fields are read from.
    Object {
        path: List<PathSegment>,
        fields: List<(Str, Mapping)>,
    },
    /// The array at `path`, every element mapped by `items`.
    Array {
        path: List<PathSegment>,
        items: Nested<Mapping>,
    },
    /// A constant from the spec, as canonical JSON text.
    Const(Str),
    /// A value from the orchestration context (steps and inputs).
    Value(Value),
}
