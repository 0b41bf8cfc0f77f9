// Without the opt-in, the same spec is refused, every error shown.
naftiko::capability!("../fixtures/partial.yaml");

fn main() {}
