// Cluster DNS for the local node (hack/node.sh): CoreDNS with only the plugins a test cluster
// needs, so it builds in a fraction of the time of the full CoreDNS binary. Pods resolve Service
// names (<svc>.<ns>.svc.cluster.local) through the kubernetes plugin; nothing is forwarded
// upstream, so no query leaves the host.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/ready"
)

func init() {
	// Plugin order in a server block (CoreDNS's plugin.cfg order for these).
	dnsserver.Directives = []string{"bind", "ready", "errors", "kubernetes"}
}

func main() { coremain.Run() }
