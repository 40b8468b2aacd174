//! Stage one, load: finding the project, reading `lmc.yaml`, the practice profiles and the
//! Markdown content, and validating all of it so that every problem is reported at once.
//! Nothing here renders or typesets: typst is asked only which characters its fonts cover.

pub mod braces;
pub mod broken;
pub mod colour;
pub mod config;
pub mod content;
pub mod dates;
pub mod fields;
mod images;
pub mod lang;
pub mod leftovers;
pub mod limits;
pub mod memo;
pub mod names;
pub mod optional;
pub mod phone;
pub mod project;
pub mod recipients;
pub mod schema;
pub mod standalone;
pub mod text;
pub mod translated;
pub mod translation;
pub(crate) mod yaml;
mod yaml_plain;

pub use project::Project;
