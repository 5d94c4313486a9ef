"""Sphinx configuration of the skdbn documentation."""

import skdbn

project = "skdbn"
author = "The skdbn developers"
copyright = "2026, The skdbn developers"
release = skdbn.__version__
version = skdbn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
# The set_*_request methods are sklearn's metadata-routing plumbing, generated on
# every estimator; their docstrings point into sklearn's own documentation.
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    "exclude-members": ",".join(
        f"set_{method}_request"
        for method in ("fit", "partial_fit", "score", "transform", "inverse_transform")
    ),
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

intersphinx_mapping = {}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
}

html_theme = "pydata_sphinx_theme"
html_title = "skdbn"
html_theme_options = {"navigation_with_keys": False}
exclude_patterns = [
    "_build",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "**.codeobj.json",
]
