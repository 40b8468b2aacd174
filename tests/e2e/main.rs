//! End-to-end tests: one binary (one link of typst), a module per feature. Each test runs the
//! real `lmcpress` binary on a fixture project in a temporary folder.

mod common;
mod pdf;

mod architecture;
mod build;
mod commands;
mod content;
mod content_edit;
mod diagnostics;
mod docx;
mod editions;
mod errors;
mod first_hour;
mod first_hour_serve;
mod formats;
mod foundation;
mod html;
mod kinds;
mod languages;
mod merge;
mod never_panics;
mod notify;
mod pack;
mod posters;
mod safety;
mod serve;
mod serve_letters;
mod signoff;
mod start;
mod walkthrough;
mod watch;
