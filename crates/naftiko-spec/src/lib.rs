//! A Naftiko capability in its resolved form: the one set of types that `naftiko-codegen`
//! builds from a spec and `naftiko-runtime` interprets.
//!
//! The code generator reads the YAML, binds every name and checks every rule, and ends with a
//! [`CapabilitySpec`]: which upstream operations exist, how every parameter of every call gets
//! its value, which routes, tools, resources and prompts are exposed and how their outputs are
//! shaped. It then writes that value into the generated program as a `static` (the `bake`
//! feature derives [`databake::Bake`] for every type here), and the runtime reads the very same
//! types. Nothing is parsed at run time and there is no second description to keep in step.
//!
//! Text and lists are [`Str`] and [`List`]: `Cow<'static, …>`, borrowed from static data in a
//! generated program, owned while the code generator builds them. A value nested in another of
//! its own type is a [`Nested`]. Cross-references are typed ids ([`ConsumesId`],
//! [`OperationId`]), looked up through [`CapabilitySpec`].
//!
//! JSON that the spec carries (literals, constants, schemas, OpenAPI documents) is kept as
//! canonical JSON text, so a generated program holds it as a string constant.

mod adapters;
mod consumes;
mod handler;
mod nested;
mod value;

use std::borrow::Cow;

pub use adapters::*;
pub use consumes::*;
pub use handler::*;
pub use nested::Nested;
pub use value::*;

#[cfg(feature = "bake")]
pub use databake;

/// Text of a spec: borrowed in generated code, owned while the code generator builds it.
pub type Str = Cow<'static, str>;

/// A list of a spec: borrowed in generated code, owned while the code generator builds it.
pub type List<T> = Cow<'static, [T]>;

/// Borrowed text, for specs written by hand as `static` data (tests, examples).
pub const fn text(text: &'static str) -> Str {
    Cow::Borrowed(text)
}

/// A borrowed list, for specs written by hand as `static` data: an empty list (`list(&[])`) or
/// a named `static` slice. A literal list of values that own text is written
/// `Cow::Borrowed(&[…])`, as generated code does: only there is the array itself promoted to
/// static storage (a `const fn` argument whose items have destructors is not).
pub const fn list<T: Clone>(items: &'static [T]) -> List<T> {
    Cow::Borrowed(items)
}

/// A whole capability: what it consumes, the secrets it needs and what it exposes.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct CapabilitySpec {
    /// `info.label` (or `info.display`), or the first namespace when the spec has no label.
    pub name: Str,
    pub description: Str,
    /// Every consumed HTTP namespace; a [`ConsumesId`] indexes into this.
    pub consumes: List<ConsumesSpec>,
    /// Every bind key the capability reads, with where its value comes from.
    pub secrets: List<SecretSpec>,
    pub rest: List<RestAdapterSpec>,
    pub mcp: List<McpAdapterSpec>,
    /// `control` adapters: health and metrics, each on its own socket.
    pub control: List<ControlAdapterSpec>,
}

impl CapabilitySpec {
    /// The consumed namespace `id` names; `None` only for an id of another capability.
    pub fn namespace(&self, id: ConsumesId) -> Option<&ConsumesSpec> {
        self.consumes.get(id.index())
    }

    /// The consumed operation `id` names; `None` only for an id of another capability.
    pub fn operation(&self, id: OperationId) -> Option<&HttpOperation> {
        self.namespace(id.consumes)?
            .operations
            .get(usize::try_from(id.index).ok()?)
    }
}

/// A consumed namespace: its position in [`CapabilitySpec::consumes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct ConsumesId(pub u32);

impl ConsumesId {
    pub fn index(self) -> usize {
        // u32 always fits a usize on the targets a server runs on (32 and 64 bits).
        self.0 as usize
    }
}

/// A consumed operation: its namespace and its position in [`ConsumesSpec::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct OperationId {
    pub consumes: ConsumesId,
    pub index: u32,
}

/// One bind key (`binds[].keys`): a secret read at start-up, never logged.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct SecretSpec {
    /// The key as the spec names it; also the environment variable that supplies it.
    pub key: Str,
    /// The name in the bind's source when it differs from `key` (the value side of `keys`).
    /// Also tried as an environment variable, after `key`.
    pub source_name: Str,
    /// `binds[].location` when it is a `file://` URI: a JSON object or flat YAML mapping file
    /// read at start-up.
    pub file: Option<Str>,
}
