//! Turning caller inputs and the spec's static data into values: the inputs a caller gave,
//! checked against their declared types ([`inputs`]); a spec [`Value`](crate::spec::Value)
//! evaluated against inputs, secrets and earlier steps ([`value`]); an upstream answer shaped by
//! an output mapping ([`mapping`]), selecting with [`jsonpath`].
//!
//! Knows nothing of HTTP, upstreams or adapters: it imports only the spec, errors and secrets.
//! [`numbers`] sits at the bottom so inputs and mappings parse numbers alike without importing
//! each other; [`patterns`] compiles each input `pattern` once.

pub(crate) mod inputs;
pub(crate) mod jsonpath;
pub(crate) mod mapping;
pub(crate) mod numbers;
pub(crate) mod patterns;
pub(crate) mod value;
