// The macro's warnings are compiler warnings; denied here, so that they show in the output.
#![deny(deprecated)]

naftiko::capability!("warnings.yaml");

fn main() {}
