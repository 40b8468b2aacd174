//! Memory across many documents: typesets a letter-sized document N times on T threads and
//! prints resident memory ten times along the way, so growth per document would show.
//! `cargo run --release --example memory -- 3000 pdf 2` (modes: compile, pdf, png).

use std::sync::atomic::{AtomicUsize, Ordering};

use lmcpress::typeset::{self, Input};

fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mode = args.next().unwrap_or_else(|| "pdf".into());
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let every = (n / 10).max(1);
    let done = AtomicUsize::new(0);
    let items: Vec<usize> = (0..n).collect();
    let start = std::time::Instant::now();
    lmcpress::parallel::map_on(threads, &items, |&i| {
        let source = format!(
            "#set document(title: \"Letter {i}\")\n#set text(font: \"Liberation Sans\", lang: \"en\", region: \"GB\")\n\
             = Letter {i}\n#lorem(300)\n\n#table(columns: 2, [a], [b {i}])\n#footnote[note {i}]"
        );
        let compiled =
            typeset::compile(Input { root, source, source_name: "m".into(), today: None }).expect("compiles");
        match mode.as_str() {
            "pdf" => drop(typeset::pdf(&compiled, &format!("{i}"), None, "m").expect("pdf")),
            "png" => drop(typeset::png(&compiled.document, 0, 1.0).expect("png")),
            _ => {}
        }
        drop(compiled);
        comemo::evict(0);
        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
        if d.is_multiple_of(every) {
            println!("{d:6} documents  {:7} KB resident", rss_kb());
        }
    });
    println!("{:.1} ms per document", start.elapsed().as_secs_f64() * 1000.0 / n as f64);
}
