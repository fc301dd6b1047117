//! The parser never panics: random text, and the corpus files with bytes
//! deleted, inserted or replaced, all give `Ok` or `Err`.

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;

/// Sources to mutate: the corpus files when present (the corpus test says when
/// they are not), and a few built-in samples.
fn seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds = vec![
            "#define Oid unsigned int\ntypedef struct { int d; } t;\n/* c */\nprovider p {\n\tprobe a__b(int x, const char *s, t *p) : (int x);\n};\n#pragma D attributes Evolving/Evolving/Common provider p provider\n".to_string(),
            "typedef void (*fn_t)(void *);\nprovider q { probe x(fn_t, char **, unsigned long long) };\nstruct s { int a; };".to_string(),
        ];
        let dir = match std::env::var_os("USDT_TESTDATA") {
            Some(dir) => Some(PathBuf::from(dir)),
            None => test_support::shared_path("testdata/providers"),
        };
        if let Some(Ok(entries)) = dir.map(std::fs::read_dir) {
            let mut paths: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "d"))
                .collect();
            paths.sort();
            seeds.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
        }
        seeds
    })
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that matter to the grammar, plus anything.
    let byte = prop_oneof![
        prop::sample::select(b"{}();:,*#/\\\n\r\"_- aZ9".to_vec()),
        any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), prop::collection::vec(byte.clone(), 1..8))
            .prop_map(|(at, bytes)| Edit::Insert(at, bytes)),
        (any::<usize>(), byte).prop_map(|(at, b)| Edit::Replace(at, b)),
    ]
}

fn apply(source: &str, edits: &[Edit]) -> String {
    let mut bytes = source.as_bytes().to_vec();
    for e in edits {
        let len = bytes.len().max(1);
        match e {
            Edit::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            Edit::Insert(at, new) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, new.iter().copied());
            }
            Edit::Replace(at, b) => {
                if let Some(slot) = bytes.get_mut(at % len) {
                    *slot = *b;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(src in "(?s).{0,400}") {
        let _ = dtrace_parser::parse(&src, "random.d");
    }

    #[test]
    fn random_tokens_never_panic(src in r"(provider|probe|typedef|struct|#define|#pragma D|int|char|\*|\{|\}|\(|\)|;|,|:|/\*|\*/|//|\n| |[a-z_]{1,4}){0,60}") {
        let _ = dtrace_parser::parse(&src, "tokens.d");
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn mutated_corpus_never_panics(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let seeds = seeds();
        let source = apply(&seeds[seed.index(seeds.len())], &edits);
        let _ = dtrace_parser::parse(&source, "mutated.d");
    }
}
