use super::*;

fn opts() -> TypstOptions<'static> {
    TypstOptions { heading_offset: 0, resolve_image: &|d: &str| if d.starts_with("ok") { Some(format!("/img/{d}")) } else { None } }
}

#[test]
fn explore() {
    for md in [
        "# Title\n\nPara *em* **strong** ~~del~~ `code` [link](http://x.org \"t\") <a@b.c> <http://y>\n",
        "- a\n- b\n  - c\n  - d\n- e\n\n1. x\n2. y\n\n3) z\n\n- loose\n\n- list\n",
        "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 |\n| 1 | 2 | 3 | 4 |\n",
        "Text[^1] and[^Note] and [^undef].\n\n[^1]: One.\n\n    more\n[^note]: Two\n",
        "```rust ignore\nfn main() {}\n```\n\n    indented\n\n> quote\n> more\n\n---\n\n<div>\nhtml\n</div>\n\ninline <b>x</b>",
        "- [ ] todo\n- [x] done\n\nterm\n: def one\n: def two\n\nhard  \nbreak\\\nx\n",
        "Dr #1 & Partners [Ltd] $5 <x> @y \\ * _ {{ practice.name }} `{{ x }}` \"quoted\" it's -- --- ...",
        "![alt *text*](ok.png) ![missing](no.png) ![](no.png)",
        "#\n\n# \\#\n\n##",
        "a[^a]\n\n[^a]: x[^a][^b]\n\n[^b]: y[^a]\n\n[^c]: unused\n",
    ] {
        let c = to_typst(md, &opts());
        println!("=== {md:?}\n{}\n--- missing {:?}", c.markup, c.missing_images);
        println!("--- plain:\n{:?}", to_plain_text(md, &|n: &str| Some(format!("<{n}>"))));
    }
    for s in ["Referral for {{ patient_name }}", "# not heading", "1. not list", "*emph* _em_ \"q\"", "- x", "> q", "[x]: y", "    code"] {
        println!("inline {s:?} => {:?}", inline_to_typst(s));
    }
    println!("{:?}", placeholders("a {{ x }} `{{ y }}` [{{ z }}](u) ![{{ w }}](v)\n\n```\n{{ c }}\n```\n{{a.b}}"));
}
