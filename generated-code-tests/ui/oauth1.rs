naftiko::capability!("oauth1.yaml");

fn main() {}
