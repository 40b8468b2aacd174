//! A closed pipe is not an error: `lmcpress completions bash | head` or `lmcpress audit |
//! head` stop printing quietly, as `cat` and `ripgrep` do, instead of panicking (Rust ignores
//! SIGPIPE, so `println!` panics when the reader has gone).

use std::io::{self, Write};

/// Writes `bytes` to stdout; a reader that has gone away ends the program quietly.
pub fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other,
    }
}

/// Whether a panic's message is a print to a closed pipe.
pub fn is_closed_pipe(message: &str) -> bool {
    (message.contains("failed printing to stdout") || message.contains("failed printing to stderr"))
        && (message.contains("Broken pipe") || message.contains("os error 32"))
}

/// From here on, a `println!` to a closed pipe ends the program quietly with success; every
/// other panic is reported as before.
pub fn quiet_on_closed_pipe() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if is_closed_pipe(message) {
            std::process::exit(0);
        }
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_print_to_a_closed_pipe_is_quiet() {
        assert!(super::is_closed_pipe("failed printing to stdout: Broken pipe (os error 32)"));
        assert!(!super::is_closed_pipe("index out of bounds"));
        assert!(!super::is_closed_pipe("failed printing to stdout: No space left on device"));
    }
}
