// A required input cannot be left out: the input struct has no `Default` to fill it in, so
// the call does not compile (`shopId` and `orderId` are required in the spec; `expand` is not).
naftiko::capability!("../fixtures/auth-locations.yaml");

fn main() {
    let _missing = consumes::bearer_api::GetOrderInput {
        shop_id: 7,
        expand: None,
        x_request_id: None,
        session: None,
    };
    let _defaulted = consumes::bearer_api::GetOrderInput {
        shop_id: 7,
        expand: None,
        ..Default::default()
    };
}
