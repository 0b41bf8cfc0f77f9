//! [`Nested`]: a value inside another value of its own type.

use std::fmt;
use std::ops::Deref;

/// A value nested inside another of its own type (an array mapping's item mapping).
///
/// `Cow<'static, T>` cannot hold a type that contains itself (its owned form is stored
/// inline, so the type would have infinite size); this holds either a `'static` reference, as
/// generated code writes it, or a box, as the code generator builds it.
pub enum Nested<T: 'static> {
    Borrowed(&'static T),
    Owned(Box<T>),
}

impl<T> Nested<T> {
    pub fn new(value: T) -> Nested<T> {
        Nested::Owned(Box::new(value))
    }
}

impl<T> Deref for Nested<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Nested::Borrowed(value) => value,
            Nested::Owned(value) => value,
        }
    }
}

impl<T: Clone> Clone for Nested<T> {
    fn clone(&self) -> Self {
        match self {
            Nested::Borrowed(value) => Nested::Borrowed(value),
            Nested::Owned(value) => Nested::Owned(value.clone()),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Nested<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: PartialEq> PartialEq for Nested<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

#[cfg(feature = "bake")]
impl<T: databake::Bake> databake::Bake for Nested<T> {
    fn bake(&self, env: &databake::CrateEnv) -> proc_macro2::TokenStream {
        env.insert("naftiko_spec");
        let value = (**self).bake(env);
        quote::quote!(naftiko_spec::Nested::Borrowed(&#value))
    }
}
