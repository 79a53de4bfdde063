{{/* Names and labels shared by every template. */}}
{{- define "cbx.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cbx.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "cbx.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "cbx.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: pass (list $ "operator"). */}}
{{- define "cbx.selectorLabels" -}}
{{- $ := index . 0 -}}
app.kubernetes.io/name: {{ include "cbx.name" $ }}
app.kubernetes.io/instance: {{ $.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "cbx.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "cbx.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "cbx.image" -}}
{{- printf "%s:%s" .image.repository (default .chart.AppVersion .image.tag) -}}
{{- end -}}

{{/* The in-cluster URLs of the demo parts. */}}
{{- define "cbx.demoSignerURL" -}}
{{- printf "http://%s-signer.%s.svc:%d" (include "cbx.fullname" .) .Release.Namespace (int .Values.demo.signer.port) -}}
{{- end -}}
{{- define "cbx.demoRoutingURL" -}}
{{- printf "http://%s-routing.%s.svc:%d" (include "cbx.fullname" .) .Release.Namespace (int .Values.demo.routing.port) -}}
{{- end -}}

{{/* Every routing endpoint the operator publishes to, one per line. */}}
{{- define "cbx.routingEndpoints" -}}
{{- $urls := .Values.routing.endpoints -}}
{{- if .Values.demo.routing.enabled -}}
{{- $urls = append $urls (include "cbx.demoRoutingURL" .) -}}
{{- end -}}
{{- if not $urls -}}
{{- fail "routing.endpoints is empty and demo.routing.enabled is false: the operator needs at least one routing endpoint" -}}
{{- end -}}
{{- range $urls }}
{{ . }}
{{- end -}}
{{- end -}}

{{- define "cbx.securityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "cbx.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}
