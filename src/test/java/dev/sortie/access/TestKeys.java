package dev.sortie.access;

/** Public keys made once with ssh-keygen, with the fingerprints ssh-keygen -l showed for them. */
final class TestKeys {

    static final String ALICE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF0dC0pu0zau9aMCMMvZhwW5+aNFIkMO9oe2Lu+p7I5S alice@laptop";
    static final String ALICE_FINGERPRINT = "SHA256:1Qq6hWjg7jkALQB1/IFbS36tll0mfiLLWUvLWHx50fg";
    static final String BOB = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKrWCh786XSg+xYpHcXdKN5kq8kcQAOw7smSkaxC5Sjw5iSjX0SN472hJtWopEOHqQIpOq7+WvvRbMdM1kQ6z5o= bob";
    static final String BOB_FINGERPRINT = "SHA256:hdk44UgN/UAkgM6zoBfNZhVtBI1WbSSt+hx0J6+tuw4";
    static final String CAROL = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCooHKgHHbmcjGSrRYPNZ4OO5lEWR0JsSdT0+BLe7F6D26HPtSiJScrUni89H5dHCmP9GVrpZIxBukgkXV+7s4lpuNO4vv5GizVMFNCeTyCbXaXWlv3JANVwE3Cb+nRBXE9Oe6RkdwYpIXjRW+v8OsuwHB+Q8uxusd/s9Ed06PzAGLZ/fkdnNNwRREQbKCQeq4aJViDhO/O+efOdlmYgpXWKrmDyh16gAdC8MGSxjDoQka+w5cnspD/yIvFQGJoIbf9ZeZ232vZ6aYYYiLH+lFIwI6/lhtY6WnuQ/Pmkp0SWcUNwEAMkou2VbTyl2f0mRqTVCvSeFJsFVXDcSolQt7b carol";
    static final String CAROL_FINGERPRINT = "SHA256:J2qd/9OeQSomWvSOMU+Uwk+BZJkUeM0TrB++d+uw8Mw";

    private TestKeys() {
    }
}
