"""Side effects that must not be lost (mails): recorded with their cause, delivered once by the worker."""
