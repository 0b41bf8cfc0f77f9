// `allow` silences exactly the warnings of the codes it names: the other one still shows.
#![deny(deprecated)]

naftiko::capability!("warnings.yaml", allow = ["case-folded-name"]);

fn main() {}
