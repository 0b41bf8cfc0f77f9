//! `static SPEC`: the resolved spec, baked into Rust by `databake`, which the runtime reads.

use databake::{Bake, CrateEnv};
use proc_macro2::TokenStream;
use quote::quote;

use super::Emitter;
use super::openapi;

impl Emitter<'_> {
    /// `pub static SPEC: CapabilitySpec = …;`, with each REST adapter's OpenAPI document.
    ///
    /// The baked expression names the spec types as `naftiko_spec::…` and its `Cow`s as
    /// `alloc::borrow::Cow`; both names are brought into the initializer's own scope from the
    /// runtime, so a user's crate needs no other dependency and sees no new names.
    pub fn spec_static(&self) -> TokenStream {
        let rt = &self.rt;
        let mut spec = self.cap.clone();
        let documents: Vec<String> = spec
            .rest
            .iter()
            .map(|adapter| openapi::document(self.cap, adapter))
            .collect();
        for (adapter, document) in spec.rest.to_mut().iter_mut().zip(documents) {
            adapter.openapi = document.into();
        }
        let baked = spec.bake(&CrateEnv::default());
        quote! {
            /// The whole capability as the runtime reads it, resolved at compile time.
            pub static SPEC: #rt::spec::CapabilitySpec = {
                use #rt::__private::baked::{alloc, naftiko_spec};
                #baked
            };
        }
    }
}
