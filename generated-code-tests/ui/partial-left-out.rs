// With `allow_partial`, the broken routes and tool are left out, one warning each.
#![deny(deprecated)]

naftiko::capability!("../fixtures/partial.yaml", allow_partial = true);

fn main() {}
