//! A value built the way the code generator builds it (owned) bakes into the expression a
//! generated program holds (borrowed).
#![cfg(feature = "bake")]

use std::borrow::Cow;

use databake::{Bake, CrateEnv};
use naftiko_spec::{Mapping, Nested, PathSegment, ValueType};

#[test]
fn an_owned_tree_bakes_into_borrowed_static_data() {
    let mapping = Mapping::Array {
        path: Cow::Owned(vec![PathSegment::Field("items".to_string().into())]),
        items: Nested::new(Mapping::Select {
            path: Cow::Owned(vec![PathSegment::Index(-1)]),
            ty: ValueType::Integer,
        }),
    };
    let baked = mapping.bake(&CrateEnv::default()).to_string();
    assert_eq!(
        baked.replace(' ', ""),
        "naftiko_spec::Mapping::Array{path:alloc::borrow::Cow::Borrowed(&[naftiko_spec::PathSegment::Field(alloc::borrow::Cow::Borrowed(\"items\"),)]),items:naftiko_spec::Nested::Borrowed(&naftiko_spec::Mapping::Select{path:alloc::borrow::Cow::Borrowed(&[naftiko_spec::PathSegment::Index(-1i64,)]),ty:naftiko_spec::ValueType::Integer,}),}"
    );
}

mod alloc {
    pub use std::borrow;
}

/// What the test above bakes, compiled as a `static` (the names it uses resolve here through
/// the `alloc` module above and the crate's own name).
static BAKED: Mapping = naftiko_spec::Mapping::Array {
    path: alloc::borrow::Cow::Borrowed(&[naftiko_spec::PathSegment::Field(
        alloc::borrow::Cow::Borrowed("items"),
    )]),
    items: naftiko_spec::Nested::Borrowed(&naftiko_spec::Mapping::Select {
        path: alloc::borrow::Cow::Borrowed(&[naftiko_spec::PathSegment::Index(-1i64)]),
        ty: naftiko_spec::ValueType::Integer,
    }),
};

#[test]
fn baked_data_is_a_static() {
    let Mapping::Array { items, .. } = &BAKED else {
        unreachable!("an array mapping")
    };
    assert!(matches!(
        **items,
        Mapping::Select {
            ty: ValueType::Integer,
            ..
        }
    ));
}
