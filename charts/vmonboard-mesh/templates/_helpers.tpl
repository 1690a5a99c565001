{{/* Chart name, overridable (helm create convention). */}}
{{- define "vmonboard-mesh.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object-name prefix: the release name, or <release>-<chart> when the release name lacks the chart name. */}}
{{- define "vmonboard-mesh.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version for the helm.sh/chart label. */}}
{{- define "vmonboard-mesh.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object: the helm create set plus .Values.commonLabels. */}}
{{- define "vmonboard-mesh.labels" -}}
helm.sh/chart: {{ include "vmonboard-mesh.chart" . }}
app.kubernetes.io/name: {{ include "vmonboard-mesh.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Name of an east-west Gateway/VirtualService pair for one purpose (istiod, cross-network, or a port role); Istio object names may be 253 long, so the purpose is never cut off. */}}
{{- define "vmonboard-mesh.gatewayName" -}}
{{- printf "%s-%s" (include "vmonboard-mesh.fullname" .root) .purpose }}
{{- end }}

{{/* Name of the istiod Gateway/VirtualService pair of one revision: <fullname>-istiod-<revision>, or <fullname>-istiod for the default revision (""). */}}
{{- define "vmonboard-mesh.istiodName" -}}
{{- include "vmonboard-mesh.gatewayName" (dict "root" .root "purpose" (ternary (printf "istiod-%s" .revision) "istiod" (ne .revision ""))) }}
{{- end }}
