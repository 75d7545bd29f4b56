// Starts Swagger UI on the API docs page (/api/v1/docs) over the spec the page names in data-spec.
// A file of its own because the CSP allows no inline script. No validator badge: it would call
// validator.swagger.io, and this page talks to nobody but ipflow.
window.addEventListener('DOMContentLoaded', () => {
  const root = document.getElementById('swagger-ui');
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.spec,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
});
