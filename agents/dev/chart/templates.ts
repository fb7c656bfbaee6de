/**
 * The chart's templates (pure text, helm-create/Bitnami conventions): named helpers in
 * _helpers.tpl, one object kind per file, optional objects guarded by their values
 * (`{{- if .Values.ingress.enabled }}`), namespace from the release, recommended labels.
 */
import type { ChartPlan } from './spec.js';

const meta = (n: string, suffix = '') => `metadata:
  name: {{ include "${n}.fullname" . }}${suffix}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "${n}.labels" . | nindent 4 }}`;

export function helpersTpl(n: string): string {
  return `{{/* Expand the name of the chart. */}}
{{- define "${n}.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, truncated at 63 characters (some Kubernetes name fields are limited to that).
If the release name contains the chart name it is used as the full name.
*/}}
{{- define "${n}.fullname" -}}
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

{{/* Chart name and version, as used by the chart label. */}}
{{- define "${n}.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels. */}}
{{- define "${n}.labels" -}}
helm.sh/chart: {{ include "${n}.chart" . }}
{{ include "${n}.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels: never change them after the first install (selectors are immutable). */}}
{{- define "${n}.selectorLabels" -}}
app.kubernetes.io/name: {{ include "${n}.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The ServiceAccount the pods use. */}}
{{- define "${n}.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "${n}.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the pods read their secret environment from. */}}
{{- define "${n}.secretName" -}}
{{- default (include "${n}.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* A probe on the application's port. */}}
{{- define "${n}.probe" -}}
{{- if eq .Values.probes.type "http" }}
httpGet:
  path: {{ .Values.probes.path }}
  port: {{ .Values.probes.port }}
{{- else }}
tcpSocket:
  port: {{ .Values.probes.port }}
{{- end }}
{{- end }}
`;
}

/** The pod template, indented for `spec.template` of a Deployment or StatefulSet. */
function podTemplate(n: string, plan: ChartPlan): string {
  const pvcVolume = plan.workload === 'Deployment';
  return `  template:
    metadata:
      annotations:
        checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "${n}.selectorLabels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      serviceAccountName: {{ include "${n}.serviceAccountName" . }}
      automountServiceAccountToken: {{ .Values.serviceAccount.automount }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          {{- with .Values.containerPorts }}
          ports:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- if or .Values.config .Values.secrets .Values.existingSecret }}
          envFrom:
            {{- if .Values.config }}
            - configMapRef:
                name: {{ include "${n}.fullname" . }}
            {{- end }}
            {{- if or .Values.secrets .Values.existingSecret }}
            - secretRef:
                name: {{ include "${n}.secretName" . }}
            {{- end }}
          {{- end }}
          {{- if .Values.probes.enabled }}
          readinessProbe:
            {{- include "${n}.probe" . | trim | nindent 12 }}
            initialDelaySeconds: 5
            periodSeconds: 10
          livenessProbe:
            {{- include "${n}.probe" . | trim | nindent 12 }}
            initialDelaySeconds: 15
            periodSeconds: 20
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          {{- if .Values.persistence.enabled }}
          volumeMounts:
            - name: data
              mountPath: {{ .Values.persistence.mountPath }}
          {{- end }}
${pvcVolume ? `      {{- if .Values.persistence.enabled }}
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: {{ include "${n}.fullname" . }}
      {{- end }}
` : ''}      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}`;
}

/** A claim's spec from the persistence values — a PVC's or a volumeClaimTemplate's — indented `at` spaces. */
function claimSpec(at: number): string {
  const pad = ' '.repeat(at);
  return [
    `${pad}accessModes:`,
    `${pad}  {{- toYaml .Values.persistence.accessModes | nindent ${at + 2} }}`,
    `${pad}{{- with .Values.persistence.storageClass }}`,
    `${pad}storageClassName: {{ . | quote }}`,
    `${pad}{{- end }}`,
    `${pad}resources:`,
    `${pad}  requests:`,
    `${pad}    storage: {{ .Values.persistence.size | quote }}`,
  ].join('\n');
}

export function workloadTemplate(n: string, plan: ChartPlan): string {
  const stateful = plan.workload === 'StatefulSet';
  return `apiVersion: apps/v1
kind: ${plan.workload}
${meta(n)}
spec:
${stateful ? `  serviceName: {{ include "${n}.fullname" . }}-headless\n` : ''}  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "${n}.selectorLabels" . | nindent 6 }}
${podTemplate(n, plan)}
${stateful ? `  {{- if .Values.persistence.enabled }}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
${claimSpec(8)}
  {{- end }}
` : ''}`;
}

export function pvcTemplate(n: string): string {
  return `{{- if .Values.persistence.enabled }}
apiVersion: v1
kind: PersistentVolumeClaim
${meta(n)}
spec:
${claimSpec(2)}
{{- end }}
`;
}

export function serviceTemplate(n: string): string {
  return `{{- if .Values.service.enabled }}
apiVersion: v1
kind: Service
${meta(n)}
spec:
  type: {{ .Values.service.type }}
  ports:
    {{- range .Values.service.ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .targetPort }}
      protocol: {{ .protocol }}
    {{- end }}
  selector:
    {{- include "${n}.selectorLabels" . | nindent 4 }}
{{- end }}
`;
}

/** The headless Service a StatefulSet names in serviceName (stable pod DNS names). */
export function headlessServiceTemplate(n: string): string {
  return `apiVersion: v1
kind: Service
${meta(n, '-headless')}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  {{- with .Values.containerPorts }}
  ports:
    {{- range . }}
    - name: {{ .name }}
      port: {{ .containerPort }}
      targetPort: {{ .name }}
      protocol: {{ .protocol }}
    {{- end }}
  {{- end }}
  selector:
    {{- include "${n}.selectorLabels" . | nindent 4 }}
`;
}

export function ingressTemplate(n: string): string {
  return `{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
${meta(n)}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if .Values.ingress.tls }}
  tls:
    - hosts:
        - {{ .Values.ingress.host | quote }}
      secretName: {{ include "${n}.fullname" . }}-tls
  {{- end }}
  rules:
    - host: {{ .Values.ingress.host | quote }}
      http:
        paths:
          - path: {{ .Values.ingress.path }}
            pathType: {{ .Values.ingress.pathType }}
            backend:
              service:
                name: {{ include "${n}.fullname" . }}
                port:
                  name: {{ (index .Values.service.ports 0).name }}
{{- end }}
`;
}

export function configMapTemplate(n: string): string {
  return `{{- if .Values.config }}
apiVersion: v1
kind: ConfigMap
${meta(n)}
data:
  {{- range $key, $value := .Values.config }}
  {{ $key }}: {{ $value | toString | quote }}
  {{- end }}
{{- end }}
`;
}

export function secretTemplate(n: string): string {
  return `{{- if and .Values.secrets (not .Values.existingSecret) }}
{{- /* Values come from the install (--set-file, -f); the chart itself holds none. */}}
apiVersion: v1
kind: Secret
${meta(n)}
type: Opaque
stringData:
  {{- range $key, $value := .Values.secrets }}
  {{ $key }}: {{ $value | toString | quote }}
  {{- end }}
{{- end }}
`;
}

export function hpaTemplate(n: string, plan: ChartPlan): string {
  return `{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
${meta(n)}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: ${plan.workload}
    name: {{ include "${n}.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
`;
}

export function pdbTemplate(n: string): string {
  return `{{- if .Values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
${meta(n)}
spec:
  minAvailable: {{ .Values.pdb.minAvailable }}
  selector:
    matchLabels:
      {{- include "${n}.selectorLabels" . | nindent 6 }}
{{- end }}
`;
}

export function networkPolicyTemplate(n: string): string {
  return `{{- if .Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
${meta(n)}
spec:
  podSelector:
    matchLabels:
      {{- include "${n}.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  {{- if .Values.containerPorts }}
  ingress:
    - ports:
        {{- range .Values.containerPorts }}
        - port: {{ .containerPort }}
          protocol: {{ .protocol }}
        {{- end }}
  {{- else }}
  ingress: []
  {{- end }}
{{- end }}
`;
}

export function serviceAccountTemplate(n: string): string {
  return `{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "${n}.serviceAccountName" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "${n}.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .Values.serviceAccount.automount }}
{{- end }}
`;
}

export function notesTxt(n: string): string {
  return `{{ include "${n}.fullname" . }} is installed in namespace {{ .Release.Namespace }}.
{{- if .Values.ingress.enabled }}

Reach it at: http{{ if .Values.ingress.tls }}s{{ end }}://{{ .Values.ingress.host }}{{ .Values.ingress.path }}
{{- else if .Values.service.enabled }}

Reach it from inside the cluster at {{ include "${n}.fullname" . }}.{{ .Release.Namespace }}.svc:{{ (index .Values.service.ports 0).port }}, or locally:
  kubectl port-forward -n {{ .Release.Namespace }} svc/{{ include "${n}.fullname" . }} {{ (index .Values.service.ports 0).port }}
{{- end }}
{{- range $key, $value := .Values.secrets }}
{{- if not $value }}

WARNING: secret {{ $key }} has no value: supply it (--set-file secrets.{{ $key }}=./file) or set existingSecret.
{{- end }}
{{- end }}
`;
}

export const HELMIGNORE = `# Patterns to ignore when building packages.
.DS_Store
.git/
.gitignore
.bzr/
.bzrignore
.hg/
.hgignore
.svn/
*.swp
*.bak
*.tmp
*.orig
*~
.project
.idea/
*.tmproj
.vscode/
# Values with secrets never belong in a package
secret-values*.yaml
`;
