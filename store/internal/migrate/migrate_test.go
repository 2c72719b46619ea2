package migrate

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr bool
	}{
		{"sorted", fstest.MapFS{"m/0002_b.sql": {Data: []byte("b")}, "m/0001_a.sql": {Data: []byte("a")}, "m/README": {}}, []int{1, 2}, false},
		{"duplicate", fstest.MapFS{"m/0001_a.sql": {}, "m/1_b.sql": {}}, nil, true},
		{"no version", fstest.MapFS{"m/init.sql": {}}, nil, true},
		{"zero", fstest.MapFS{"m/0000_x.sql": {}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := Load(tt.files, "m")
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
			}
			require.Equal(t, tt.want, got)
		})
	}
}
