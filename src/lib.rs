//! lmcpress turns a Local Medical Committee's policy content and its GP practices' profiles
//! into finished documents: the LMC guide, branded patient posters and social images,
//! Advice & Guidance wording, and template letters.
//!
//! Every command goes through [`pipeline`]: [`load`] reads and validates the inputs, [`plan`]
//! lists the jobs (each naming its outputs and the files it reads), and [`build`] runs them,
//! each job rendering its tera template ([`render`]), typesetting it with typst
//! ([`typeset`]) and handing the files to [`write`]. [`approval`] decides, below all of them,
//! which version of each content file a build reads and what practices may be given.
//! `watch`, `serve` and `notify` sit on top of that pipeline.

/// `[(name, text); N]` of files compiled in from a folder of the repository (`dir` relative to
/// the file that uses it): the built-in theme and the starter project.
macro_rules! embedded_files {
    ($dir:literal, [$($name:literal),* $(,)?]) => {
        [$(($name, include_str!(concat!($dir, $name)))),*]
    };
}

pub mod access;
pub mod approval;
pub mod build;
pub mod diag;
pub mod editions;
pub mod history;
pub mod init;
pub mod kinds;
pub mod load;
pub mod markdown;
pub mod notify;
pub mod parallel;
pub mod pipe;
pub mod pipeline;
pub mod plan;
pub mod render;
pub mod serve;
pub mod theme;
pub mod timings;
pub mod typeset;
pub mod watch;
pub mod write;
