"""The buyer's account area under /tai-khoan/: sign-up, login, password, "my account" and the
buyer's data rights (shop/privacy.py). Staff, producers and officers use the Wagtail admin."""
