//! The resolved capability the runtime interprets: the types of the `naftiko-spec` crate.
//!
//! The code generator resolves a spec completely at build time and writes it into the
//! generated program as one `static` of [`CapabilitySpec`]: which upstream operations exist,
//! how every parameter of every call is bound, which routes and tools are exposed and how
//! their outputs are shaped. The runtime reads that value; nothing is parsed at run time.

pub use naftiko_spec::*;
