//! End-to-end tests: one binary (one link of typst), a module per feature. Each test runs the
//! real `lmcpress` binary on a fixture project in a temporary folder.

mod common;

mod build;
mod commands;
mod content;
mod errors;
mod markdown_typst;
mod merge;
mod serve;
mod watch;
