package main

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboard-go/switchboard/examples/internal/shop"
)

// envChild makes the test binary a webhook server instead of running tests:
// TestClusterSIGKILL re-executes itself with it to get an instance it can
// kill with SIGKILL.
const envChild = "SWITCHBOARD_TEST_CHILD_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		if err := childServer(); err != nil {
			os.Stderr.WriteString("child server: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childServer is run as startInstance builds a cluster instance
// (clusterServer), from this process's environment, until SIGTERM or
// SIGINT.
func childServer() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, st, err := clusterServer(ctx, os.Getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", os.Getenv(envAddr))
	if err != nil {
		return err
	}
	return srv.serve(ctx, ln, 5*time.Second)
}

// child is a cluster instance in its own process.
type child struct {
	url  *url.URL
	cmd  *exec.Cmd
	once sync.Once
}

// startChild re-executes the test binary as a webhook server with env on a
// free loopback port and waits until it answers /healthz. It is killed
// when the test ends.
func startChild(t *testing.T, env map[string]string) *child {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = []string{envChild + "=1", envAddr + "=" + addr}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	c := &child{url: &url.URL{Scheme: "http", Host: addr}, cmd: cmd}
	t.Cleanup(c.kill)
	hc := &http.Client{Timeout: time.Second}
	defer hc.CloseIdleConnections()
	up := eventually(20*time.Second, func() bool {
		resp, err := hc.Get(c.url.String() + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	require.True(t, up, "child server did not answer /healthz within 20 s")
	return c
}

func (c *child) addr() *url.URL           { return c.url }
func (c *child) failures() []shop.Failure { return nil }
func (c *child) stop()                    { c.kill() }

// kill sends SIGKILL (no shutdown, no deferred code) and reaps the process.
func (c *child) kill() {
	c.once.Do(func() {
		_ = c.cmd.Process.Kill()
		_ = c.cmd.Wait()
	})
}
