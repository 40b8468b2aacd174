//! lmcpress turns a Local Medical Committee's policy content and its GP practices' profiles
//! into finished documents: the LMC guide, branded patient posters and social images,
//! Advice & Guidance wording, and template letters.
//!
//! The pipeline, in order: [`project::Project::load`] reads and validates every input,
//! [`plan::plan`] lists the jobs, and [`build::build`] renders each job's tera template
//! ([`render`]), typesets it with typst ([`typeset`]) and writes the outputs ([`output`]).

pub mod build;
pub mod colour;
pub mod config;
pub mod content;
pub mod dates;
pub mod diag;
pub mod docx;
pub mod editions;
pub mod escape;
pub mod fields;
pub mod html;
pub mod lang;
pub mod limits;
pub mod manifest;
pub mod markdown;
pub mod merge;
pub mod output;
pub mod pack;
pub mod parallel;
pub mod plan;
pub mod png;
pub mod project;
pub mod qr;
pub mod render;
pub mod serve;
pub mod standalone;
pub mod templates;
pub mod translation;
pub mod typeset;
pub mod watch;
mod yaml;
