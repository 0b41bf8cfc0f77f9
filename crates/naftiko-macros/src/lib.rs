use proc_macro::TokenStream;
#[proc_macro]
pub fn capability(i: TokenStream) -> TokenStream {
    i
}
