//! usdt 0.6's `#[usdt::provider]`, as published crates write it: a private provider module
//! deep in the crate (`crate::dtrace::probes`) fired from elsewhere, types imported both
//! inside the module and around it, `serde::Serialize` derived with `serde = "1"`, arguments
//! declared `T` or `&T` and given either way, strings, slices, arrays, tuples, `UniqueId`s,
//! a probe function with a body, and a `pub mod` of `pub fn`s.

use usdt::UniqueId;

#[derive(serde::Serialize, Default, Clone)]
pub struct Request {
    pub id: u64,
    pub path: String,
}

mod dtrace {
    use std::net::IpAddr;

    #[usdt::provider(provider = "compat_attr")]
    mod probes {
        use crate::Request;
        fn request__start(_: &usdt::UniqueId, req: &Request) {}
        fn request__done(id: &usdt::UniqueId, status: &u16, peer: IpAddr) {}
        fn small(a: &u8, b: u8, c: &isize) {}
        fn strings(a: &String, b: String, c: &str) {}
        fn batch(values: &[u32]) {}
        fn quad(values: [u8; 4]) {}
        fn pair(p: (u8, &str)) {}
        fn by_value(r: Request) {}
        fn with_body(x: u8) {
            println!("a probe function's body never runs: {x}");
        }
    }

    pub fn done(id: &usdt::UniqueId, status: u16) {
        let peer: IpAddr = [127, 0, 0, 1].into();
        probes::request__done!(|| (id, &status, peer));
    }
}

mod server {
    use crate::dtrace::probes;
    use crate::Request;

    pub fn serve(path: &str) {
        let id = usdt::UniqueId::new();
        let request = Request {
            id: 1,
            path: path.to_owned(),
        };
        probes::request__start!(|| (&id, request.clone()));
        crate::dtrace::done(&id.clone(), 200);
        probes::small!(|| (7, &8, -9));
        let s = String::from("two");
        probes::strings!(|| ("one", &s, s.clone()));
        let values = vec![1, 2, 3];
        probes::batch!(|| &values);
        probes::batch!(|| &values[1..]);
        let quad = [1, 2, 3, 4];
        probes::quad!(|| quad);
        probes::pair!(|| (5, "five"));
        probes::by_value!(|| &request);
        probes::by_value!(Request::default);
        probes::with_body!(|| 6);
    }
}

#[usdt::provider(provider = "compat_pub")]
pub mod pub_probes {
    pub fn query__start(_: &UniqueId, sql: &str) {}
}

fn main() {
    usdt::register_probes().unwrap();
    server::serve("/index");
    let id = UniqueId::new();
    pub_probes::query__start!(|| (&id, "SELECT 1"));
    assert_eq!(usdt::to_json(&[1, 2]).unwrap(), "[1,2]");
}
