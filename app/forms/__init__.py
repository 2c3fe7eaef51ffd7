"""Input forms (WTForms) that parse what a user typed into the plain values a service takes.

Plain `wtforms.Form`, not Flask-WTF's: the app's CSRFProtect already guards every POST, and a
plain form also parses a CLI's or an API's `MultiDict` without a request.
"""
