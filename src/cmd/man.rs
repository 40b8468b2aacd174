//! `lmcpress man`: the manual as one page on standard output, or one page per command in a
//! folder. The one page holds every command's synopsis and options itself, so it names no
//! other page; the folder's pages name each other, and every page they name is written.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap_mangen::Man;
use lmcpress::diag::Problem;

#[derive(clap::Args)]
pub struct Args {
    /// Write lmcpress.1 and one page per command (lmcpress-build.1, lmcpress-theme-list.1, ...)
    /// into this folder instead, for a man folder such as ~/.local/share/man/man1.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: Args, command: clap::Command) -> Result<bool, Problem> {
    // Built, so that each subcommand knows its full name (`lmcpress theme list`); clap's own
    // `help` subcommand has no page.
    let mut command = command.disable_help_subcommand(true);
    command.build();
    match args.out {
        Some(dir) => {
            let fail = |e: std::io::Error| {
                Problem::general(format!("failed to write the manual pages to `{}`: {e}", dir.display()))
            };
            std::fs::create_dir_all(&dir).map_err(fail)?;
            let mut written = Vec::new();
            write_pages(&command, &dir, &mut written).map_err(fail)?;
            let list: String = written.iter().map(|p| format!("{}\n", p.display())).collect();
            lmcpress::pipe::write_stdout(list.as_bytes()).map_err(fail)?;
            say!("read one with `man -l {}`", dir.join("lmcpress.1").display());
        }
        None => {
            let page = one_page(&command)
                .map_err(|e| Problem::general(format!("failed to write the manual page: {e}")))?;
            lmcpress::pipe::write_stdout(&page)
                .map_err(|e| Problem::general(format!("failed to write the manual page: {e}")))?;
        }
    }
    Ok(true)
}

/// A page for `command` and for each of its subcommands, at any depth.
fn write_pages(command: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> std::io::Result<()> {
    written.push(Man::new(command.clone()).generate_to(dir)?);
    for sub in visible(command) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}

fn visible(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command.get_subcommands().filter(|s| !s.is_hide_set())
}

/// `lmcpress`'s page with a COMMANDS section in which every command, at any depth, is a
/// subsection of its own (clap_mangen's own subcommand list would name `lmcpress-init(1)` and
/// the like, pages this one does not come with).
fn one_page(command: &clap::Command) -> std::io::Result<Vec<u8>> {
    let man = Man::new(command.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    out.write_all(b".SH COMMANDS\n")?;
    commands(command, &mut out)?;
    out.write_all(b".SH NOTES\n")?;
    out.extend(without_headings(|w| man.render_extra_section(w))?);
    man.render_version_section(&mut out)?;
    Ok(out)
}

fn commands(command: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    for sub in visible(command) {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        writeln!(out, ".SS \"{name}\"")?;
        let page = Man::new(sub.clone());
        out.extend(without_headings(|w| page.render_description_section(w))?);
        if sub.has_subcommands() {
            commands(sub, out)?;
            continue;
        }
        out.extend(without_headings(|w| page.render_synopsis_section(w))?);
        out.extend(without_headings(|w| page.render_options_section(w))?);
    }
    Ok(())
}

/// What `render` writes, less its `.SH` section headings: inside COMMANDS, each command's
/// parts follow its own subsection heading.
fn without_headings(render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<Vec<u8>> {
    let mut buffer = Vec::new();
    render(&mut buffer)?;
    let text = String::from_utf8_lossy(&buffer);
    Ok(text
        .lines()
        .filter(|l| !l.starts_with(".SH"))
        .flat_map(|l| [l, "\n"])
        .collect::<String>()
        .into_bytes())
}
