//! What a generated typed client makes of a JSON answer: the body parsed (an empty one is
//! `null`, as some APIs answer `200` with nothing), shaped by the operation's declared outputs
//! when it has any, then deserialized into the method's output type.

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use super::Response;
use crate::error::Error;
use crate::interp::inputs::Inputs;
use crate::interp::mapping;
use crate::interp::value::Scope;
use crate::secret::Secrets;
use crate::spec::Output;

/// The answer's body as `T`: through `output`'s mapping when it is mapped (the mapping of a
/// consumed operation reads only the body, never inputs, secrets or steps). A body that is not
/// JSON, or does not fit `T` (a required field missing, a declared number that is text), is
/// `Error::Decode` naming the namespace.
pub fn json_body<T: DeserializeOwned>(
    response: Response<Bytes>,
    output: &Output,
) -> Result<Response<T>, Error> {
    let body: Json = if response.body.is_empty() {
        Json::Null
    } else {
        response.json()?
    };
    let shaped = match output {
        Output::Passthrough => body,
        Output::Mapped(shape) => {
            let (inputs, secrets, steps) = (Inputs::new(), Secrets::new(), serde_json::Map::new());
            let scope = Scope {
                inputs: &inputs,
                secrets: &secrets,
                steps: &steps,
            };
            mapping::apply(shape, &body, scope)
        }
    };
    let typed = T::deserialize(shaped).map_err(|error| Error::Decode {
        namespace: response.namespace.to_string(),
        message: format!("the answer does not have the declared shape: {error}"),
    })?;
    Ok(response.map(|_| typed))
}
