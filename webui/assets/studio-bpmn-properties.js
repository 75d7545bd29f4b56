/*
 * ipflow's groups in the bpmn-js properties panel, next to the standard ones (General,
 * Documentation, Message, Timer …): what the engine reads from the spiffworkflow extension
 * elements (see studio-bpmn-extensions.js), with the choices taken from the studio catalog (the
 * page's data-catalog-url: forms, roles, service operators, processes).
 *
 *   user task        form (formKey), candidate roles (candidateRoles), due in (dueIn),
 *                    priority, instructions (instructionsForEndUser)
 *   service task     operator, result variable, one expression per operator parameter
 *   business rule    decision (calledDecisionId)
 *   call activity    called process (calledElement)
 *   any activity     pre-script, post-script
 *
 * A value in the file that the catalog does not know (a form not in the library, a role, an
 * operator) stays selectable and is marked as unknown: the editor never rewrites what it cannot
 * show. Entries are preact components (the properties panel renders them); there is no JSX in this
 * file so it bundles without a JSX step.
 */

import { CheckboxEntry, Group, SelectEntry, TextAreaEntry, TextFieldEntry } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import {
  operatorOf,
  parameterValue,
  parametersOf,
  propertyValue,
  setOperatorAttribute,
  setParameter,
  setProperty,
  setText,
  textValue,
} from './studio-bpmn-extensions.js';

// After the standard provider (priority 1000), so our groups can be placed among its groups.
const PRIORITY = 500;
const NOT_IN_LIBRARY = ' (not in the library)';

/** Options for a select: none, the catalog's names, and the current value if the catalog lacks it. */
function choices(names, current, noneLabel) {
  const options = [{ value: '', label: noneLabel }];
  for (const name of names) {
    options.push({ value: name, label: name });
  }
  if (current && !names.includes(current)) {
    options.push({ value: current, label: current + NOT_IN_LIBRARY });
  }
  return options;
}

function splitRoles(value) {
  return value.split(',').map((role) => role.trim()).filter(Boolean);
}

// --- entries (preact components) ---

/**
 * What every entry below shares: the panel's element and id, the injector its setter changes the
 * file through (so each change is one undoable command), and the panel's debounced input for typed
 * text. `read(element)` and `write(element, injector, value)` say where the value lives; the rest
 * (label, description, getOptions …) goes to the panel's entry component as it is.
 */
function entry(props, component, { read, write, ...shown }) {
  const { element, id } = props;
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  const typed = component === TextFieldEntry || component === TextAreaEntry;
  return h(component, {
    element,
    id,
    ...shown,
    ...(typed ? { debounce } : {}),
    getValue: () => read(element),
    setValue: (value) => write(element, injector, value),
  });
}

const trimmed = (value) => (value || '').trim();
const operatorAttribute = (element, name) => (operatorOf(element) && operatorOf(element).get(name)) || '';

function PropertyText(props) {
  const { name, label, description } = props;
  return entry(props, TextFieldEntry, {
    label,
    description,
    read: (element) => propertyValue(element, name),
    write: (element, injector, value) => setProperty(element, injector, name, trimmed(value)),
  });
}

function FormKey(props) {
  const catalog = useService('studioCatalog');
  return entry(props, SelectEntry, {
    label: 'Form',
    description: 'The form the person fills in (forms/<key>.form.json).',
    read: (element) => propertyValue(element, 'formKey'),
    write: (element, injector, value) => setProperty(element, injector, 'formKey', value),
    getOptions: () => choices(catalog.forms, propertyValue(props.element, 'formKey'), '(no form)'),
  });
}

function CandidateRole(props) {
  const { role, known } = props;
  return entry(props, CheckboxEntry, {
    label: known ? role : role + NOT_IN_LIBRARY,
    read: (element) => splitRoles(propertyValue(element, 'candidateRoles')).includes(role),
    write: (element, injector, checked) => {
      const roles = splitRoles(propertyValue(element, 'candidateRoles')).filter((other) => other !== role);
      if (checked) {
        roles.push(role);
      }
      setProperty(element, injector, 'candidateRoles', roles.join(','));
    },
  });
}

function TextExtension(props) {
  const { type, label, description, rows } = props;
  return entry(props, TextAreaEntry, {
    label,
    description,
    rows: rows || 4,
    monospace: true,
    read: (element) => textValue(element, type),
    write: (element, injector, value) => setText(element, injector, type, value || ''),
  });
}

function DecisionId(props) {
  const type = 'spiffworkflow:CalledDecisionId';
  return entry(props, TextFieldEntry, {
    label: 'Decision',
    description: 'The id of a decision in a .dmn file of the library.',
    read: (element) => textValue(element, type),
    write: (element, injector, value) => setText(element, injector, type, trimmed(value)),
  });
}

function Operator(props) {
  const catalog = useService('studioCatalog');
  const names = () => catalog.operators.map((operator) => operator.name);
  return entry(props, SelectEntry, {
    label: 'Operator',
    description: 'What the engine does at this step.',
    read: (element) => operatorAttribute(element, 'id'),
    write: (element, injector, value) => setOperatorAttribute(element, injector, 'id', value),
    getOptions: () => choices(names(), operatorAttribute(props.element, 'id'), '(no operator)'),
  });
}

function ResultVariable(props) {
  return entry(props, TextFieldEntry, {
    label: 'Result variable',
    description: 'Where the operator’s answer is kept in the process data.',
    read: (element) => operatorAttribute(element, 'resultVariable'),
    write: (element, injector, value) => setOperatorAttribute(element, injector, 'resultVariable', trimmed(value)),
  });
}

function Parameter(props) {
  const { parameter, known } = props;
  return entry(props, TextFieldEntry, {
    label: known ? parameter : parameter + ' (not a parameter of this operator)',
    description: known ? 'An expression, e.g. case_id or \'receipt\'.' : undefined,
    read: (element) => parameterValue(element, parameter),
    write: (element, injector, value) => setParameter(element, injector, parameter, value || ''),
  });
}

function CalledElement(props) {
  const catalog = useService('studioCatalog');
  const current = (element) => getBusinessObject(element).get('calledElement') || '';
  return entry(props, SelectEntry, {
    label: 'Called process',
    description: 'The process this step runs and waits for.',
    read: current,
    write: (element, injector, value) =>
      injector.get('modeling').updateProperties(element, { calledElement: value || undefined }),
    getOptions: () => choices(catalog.processes, current(props.element), '(no process)'),
  });
}

// --- groups ---

/** One of our groups, open from the start. */
function openGroup(id, label, entries) {
  return { id, label, component: Group, shouldOpen: true, entries };
}

function userTaskGroups(element, catalog) {
  const roles = splitRoles(propertyValue(element, 'candidateRoles'));
  const roleNames = [...catalog.roles, ...roles.filter((role) => !catalog.roles.includes(role))];
  return [
    openGroup('ipflow-user-task', 'User task', [
      { id: 'formKey', component: FormKey, element },
      {
        id: 'dueIn',
        component: PropertyText,
        element,
        name: 'dueIn',
        label: 'Due in',
        description: "An expression: a duration such as 'P5D' (five days) or a date.",
      },
      {
        id: 'priority',
        component: PropertyText,
        element,
        name: 'priority',
        label: 'Priority',
        description: 'An expression; 1 is the most urgent.',
      },
    ]),
    openGroup(
      'ipflow-candidate-roles',
      'Candidate roles',
      roleNames.map((role) => ({
        id: 'candidateRole-' + role,
        component: CandidateRole,
        element,
        role,
        known: catalog.roles.includes(role),
      })),
    ),
    openGroup('ipflow-instructions', 'Instructions', [
      {
        id: 'instructionsForEndUser',
        component: TextExtension,
        element,
        type: 'spiffworkflow:InstructionsForEndUser',
        label: 'Instructions for the person doing the task',
        description: 'Markdown; {{ case.number }} and other case data may be used.',
        rows: 10,
      },
    ]),
  ];
}

function serviceTaskGroup(element, catalog) {
  const operator = operatorOf(element);
  const name = (operator && operator.get('id')) || '';
  const described = catalog.operators.find((candidate) => candidate.name === name);
  const wanted = (described && described.parameters) || [];
  const present = parametersOf(element).map((parameter) => parameter.get('id'));
  const entries = [
    { id: 'serviceOperator', component: Operator, element },
    { id: 'resultVariable', component: ResultVariable, element },
  ];
  for (const parameter of wanted) {
    entries.push({ id: 'parameter-' + parameter, component: Parameter, element, parameter, known: true });
  }
  // Parameters the file has but the chosen operator does not take stay listed (and in the file).
  for (const parameter of present.filter((id) => !wanted.includes(id))) {
    entries.push({ id: 'parameter-' + parameter, component: Parameter, element, parameter, known: !described });
  }
  return openGroup('ipflow-service', 'Service operator', entries);
}

function scriptsGroup(element) {
  return {
    id: 'ipflow-scripts',
    label: 'Scripts',
    component: Group,
    entries: [
      {
        id: 'preScript',
        component: TextExtension,
        element,
        type: 'spiffworkflow:PreScript',
        label: 'Pre-script (runs before the step)',
      },
      {
        id: 'postScript',
        component: TextExtension,
        element,
        type: 'spiffworkflow:PostScript',
        label: 'Post-script (runs after the step)',
      },
    ],
  };
}

function ipflowGroups(element, catalog) {
  const groups = [];
  if (is(element, 'bpmn:UserTask')) {
    groups.push(...userTaskGroups(element, catalog));
  }
  if (is(element, 'bpmn:ServiceTask')) {
    groups.push(serviceTaskGroup(element, catalog));
  }
  if (is(element, 'bpmn:BusinessRuleTask')) {
    groups.push(openGroup('ipflow-decision', 'Decision', [{ id: 'calledDecisionId', component: DecisionId, element }]));
  }
  if (is(element, 'bpmn:CallActivity')) {
    const entries = [{ id: 'calledElement', component: CalledElement, element }];
    groups.push(openGroup('ipflow-called-element', 'Called process', entries));
  }
  if (is(element, 'bpmn:Activity')) {
    groups.push(scriptsGroup(element));
  }
  return groups;
}

class IpflowPropertiesProvider {
  constructor(propertiesPanel, studioCatalog) {
    this._catalog = studioCatalog;
    propertiesPanel.registerProvider(PRIORITY, this);
  }

  getGroups(element) {
    return (groups) => {
      const ours = ipflowGroups(element, this._catalog);
      // Right after "General" (name and id), before documentation and the event groups.
      const general = groups.findIndex((group) => group.id === 'general');
      groups.splice(general + 1, 0, ...ours);
      return groups;
    };
  }
}

IpflowPropertiesProvider.$inject = ['propertiesPanel', 'studioCatalog'];

/** The catalog as the provider expects it, whatever the server left out. */
export function normaliseCatalog(catalog) {
  const names = (list) => (Array.isArray(list) ? list.filter((name) => typeof name === 'string') : []);
  return {
    forms: names(catalog && catalog.forms),
    roles: names(catalog && catalog.roles),
    processes: names(catalog && catalog.processes),
    operators: (catalog && Array.isArray(catalog.operators) ? catalog.operators : [])
      .filter((operator) => operator && typeof operator.name === 'string')
      .map((operator) => ({ name: operator.name, parameters: names(operator.parameters) })),
  };
}

/** A bpmn-js module: the provider, with the catalog it reads its choices from. */
export function ipflowPropertiesModule(catalog) {
  return {
    __init__: ['ipflowPropertiesProvider'],
    ipflowPropertiesProvider: ['type', IpflowPropertiesProvider],
    studioCatalog: ['value', normaliseCatalog(catalog)],
  };
}
