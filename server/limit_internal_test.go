package server

import "testing"

func TestOneIPv6NetworkCountsAsOneAddress(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"192.168.1.20", "192.168.1.20"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"},
		{"::1", "::1"},
		{"::ffff:10.0.0.7", "::ffff:10.0.0.7"},
	} {
		if got := addressKey(tc.in); got != tc.want {
			t.Errorf("addressKey(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
