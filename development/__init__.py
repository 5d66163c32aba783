"""What only a developer's machine serves: the mailbox of the emails the site would have sent.

Installed only while DEBUG is on; a production site has none of its addresses.
"""
