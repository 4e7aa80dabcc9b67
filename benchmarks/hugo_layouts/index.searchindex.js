// The search index of the guide, built with the site.
{{- $records := slice }}
{{- range site.RegularPages }}{{ if in (slice "exercises" "tips" "plans") .Section }}
{{- $records = $records | append (dict "t" .Title "s" .Params.summary "u" .RelPermalink "k" (.Section | singularize | title) "a" "" "g" (delimit (.Params.goals | default (slice)) " ") "b" (.Plain | truncate 400 "")) }}
{{- end }}{{ end }}
window.LEGWORK_SEARCH = {{ $records | jsonify }};
