//! How long typst takes to typeset one document from nothing, for each generated source given:
//! `cargo run --release --example typeset_cold -- ROOT FILE.typ [FILE.typ ...]`.
//!
//! ROOT is the project the sources were emitted from (`lmcpress build --emit-typst` writes a
//! `.typ` beside each PDF and image), so their logos and images resolve. Each file is compiled
//! 15 times with typst's memo cache emptied before each, as the first document of a build
//! meets it; the median and the fastest are printed. A full build reuses some layout between
//! documents, so these are upper bounds, but they compare kinds of document and template
//! changes without the noise of a whole build.

use std::path::PathBuf;
use std::time::Instant;

const RUNS: usize = 15;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: typeset_cold ROOT FILE.typ [FILE.typ ...]");
        std::process::exit(2);
    };
    for path in args {
        let source = match std::fs::read_to_string(&path) {
            Ok(source) => source,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            comemo::evict(0);
            let start = Instant::now();
            let compiled = lmcpress::typeset::compile(lmcpress::typeset::Input {
                root: &root,
                source: source.clone(),
                source_name: path.clone(),
                today: None,
            });
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            if let Err(problems) = compiled {
                for problem in &problems {
                    eprintln!("{}", problem.render());
                }
                std::process::exit(1);
            }
        }
        times.sort_by(f64::total_cmp);
        println!("{path}: median {:.1} ms, fastest {:.1} ms", times[RUNS / 2], times[0]);
    }
}
