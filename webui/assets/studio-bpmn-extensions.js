/*
 * Reading and writing the spiffworkflow extension elements our engine reads, on a bpmn-js
 * element, as undoable commands (one command-stack entry per edit, so Ctrl+Z undoes an edit whole).
 *
 *   <bpmn:extensionElements>
 *     <spiffworkflow:properties>
 *       <spiffworkflow:property name="formKey" value="trademark/check" />      formKey, dueIn,
 *     </spiffworkflow:properties>                                               priority, candidateRoles
 *     <spiffworkflow:instructionsForEndUser>Markdown</spiffworkflow:instructionsForEndUser>
 *     <spiffworkflow:preScript>…</spiffworkflow:preScript>   <spiffworkflow:postScript>…</…>
 *     <spiffworkflow:calledDecisionId>time_limits</spiffworkflow:calledDecisionId>
 *     <spiffworkflow:serviceTaskOperator id="send_letter" resultVariable="receipt">
 *       <spiffworkflow:parameters><spiffworkflow:parameter id="case_id" type="any" value="case_id" /></…>
 *     </spiffworkflow:serviceTaskOperator>
 *   </bpmn:extensionElements>
 *
 * The moddle types are described in spiffworkflow-moddle.json. An empty value removes what holds
 * it (a property, a script, the properties list once it is empty), so clearing a field leaves no
 * empty element behind for the engine to misread.
 */

import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

export const PROPERTIES = 'spiffworkflow:Properties';
export const PROPERTY = 'spiffworkflow:Property';
export const OPERATOR = 'spiffworkflow:ServiceTaskOperator';
export const PARAMETERS = 'spiffworkflow:Parameters';
export const PARAMETER = 'spiffworkflow:Parameter';
// Parameters we add are typed "any", as in the library's own files: the value is an expression.
const PARAMETER_TYPE = 'any';

/** The extension elements of `element` that are of `type` (moddle type name). */
export function extensionsOf(element, type) {
  const extensionElements = getBusinessObject(element).get('extensionElements');
  const values = (extensionElements && extensionElements.get('values')) || [];
  return values.filter((value) => value.$instanceOf(type));
}

function firstExtension(element, type) {
  return extensionsOf(element, type)[0];
}

/** The value of the spiffworkflow property `name`, or '' when the task has none. */
export function propertyValue(element, name) {
  for (const list of extensionsOf(element, PROPERTIES)) {
    const found = (list.get('properties') || []).find((property) => property.get('name') === name);
    if (found) {
      return found.get('value') || '';
    }
  }
  return '';
}

/** The text of a body-only extension element (preScript, postScript, instructionsForEndUser …). */
export function textValue(element, type) {
  const found = firstExtension(element, type);
  return (found && found.get('value')) || '';
}

/** The task's spiffworkflow:serviceTaskOperator, or undefined. */
export function operatorOf(element) {
  return firstExtension(element, OPERATOR);
}

/** The operator's parameters as moddle elements, in file order. */
export function parametersOf(element) {
  const operator = operatorOf(element);
  const list = operator && operator.get('parameterList');
  return (list && list.get('parameters')) || [];
}

/** The value (an expression) of the operator parameter `id`, or ''. */
export function parameterValue(element, id) {
  const found = parametersOf(element).find((parameter) => parameter.get('id') === id);
  return (found && found.get('value')) || '';
}

/**
 * Commands gathered for one edit and run as one command-stack entry. Each setter below plans at
 * most one change to any list, so the lists it computes up front stay right when they run in order.
 */
class Edit {
  constructor(element, injector) {
    this.element = element;
    this.businessObject = getBusinessObject(element);
    this.factory = injector.get('bpmnFactory');
    this.commandStack = injector.get('commandStack');
    this.commands = [];
  }

  update(moddleElement, properties) {
    this.commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element: this.element, moddleElement, properties },
    });
  }

  create(type, properties, parent) {
    const created = this.factory.create(type, properties);
    created.$parent = parent;
    return created;
  }

  /** bpmn:extensionElements of the element, created (as part of this edit) when missing. */
  extensionElements() {
    let extensionElements = this.businessObject.get('extensionElements');
    if (!extensionElements) {
      extensionElements = this.create('bpmn:ExtensionElements', { values: [] }, this.businessObject);
      this.update(this.businessObject, { extensionElements });
    }
    return extensionElements;
  }

  addExtension(child) {
    const extensionElements = this.extensionElements();
    child.$parent = extensionElements;
    this.update(extensionElements, { values: [...extensionElements.get('values'), child] });
  }

  removeExtension(child) {
    const extensionElements = this.businessObject.get('extensionElements');
    const values = extensionElements.get('values').filter((value) => value !== child);
    if (values.length) {
      this.update(extensionElements, { values });
    } else {
      this.update(this.businessObject, { extensionElements: undefined });
    }
  }

  run() {
    if (this.commands.length) {
      this.commandStack.execute('properties-panel.multi-command-executor', this.commands);
    }
  }
}

/** Set (or, with an empty value, remove) the spiffworkflow property `name`. */
export function setProperty(element, injector, name, value) {
  const edit = new Edit(element, injector);
  const lists = extensionsOf(element, PROPERTIES);
  const holder = lists.find((list) => (list.get('properties') || []).some((property) => property.get('name') === name));
  if (holder) {
    const property = holder.get('properties').find((candidate) => candidate.get('name') === name);
    if (value) {
      edit.update(property, { value });
    } else {
      const rest = holder.get('properties').filter((candidate) => candidate !== property);
      if (rest.length) {
        edit.update(holder, { properties: rest });
      } else {
        edit.removeExtension(holder);
      }
    }
  } else if (value) {
    if (lists.length) {
      const list = lists[0];
      edit.update(list, { properties: [...(list.get('properties') || []), edit.create(PROPERTY, { name, value }, list)] });
    } else {
      const list = edit.create(PROPERTIES, {}, null);
      list.set('properties', [edit.create(PROPERTY, { name, value }, list)]);
      edit.addExtension(list);
    }
  }
  edit.run();
}

/** Set (or remove, when empty) the text of a body-only extension element of `type`. */
export function setText(element, injector, type, value) {
  const edit = new Edit(element, injector);
  const found = firstExtension(element, type);
  if (found && value) {
    edit.update(found, { value });
  } else if (found) {
    edit.removeExtension(found);
  } else if (value) {
    edit.addExtension(edit.create(type, { value }, null));
  }
  edit.run();
}

/** Set an attribute of the service task's operator (id, resultVariable), creating the operator. */
export function setOperatorAttribute(element, injector, name, value) {
  const edit = new Edit(element, injector);
  const operator = operatorOf(element);
  if (operator) {
    edit.update(operator, { [name]: value || undefined });
  } else if (value) {
    edit.addExtension(edit.create(OPERATOR, { [name]: value }, null));
  }
  edit.run();
}

/**
 * Set the expression passed as operator parameter `id`. A parameter that is not there yet is added
 * (typed "any"); clearing a value keeps the parameter with an empty value rather than dropping it,
 * so the engine's validation names the missing argument instead of the editor hiding it.
 */
export function setParameter(element, injector, id, value) {
  const edit = new Edit(element, injector);
  let operator = operatorOf(element);
  const existing = parametersOf(element).find((parameter) => parameter.get('id') === id);
  if (existing) {
    edit.update(existing, { value: value || '' });
  } else if (!operator) {
    operator = edit.create(OPERATOR, {}, null);
    const list = edit.create(PARAMETERS, {}, operator);
    list.set('parameters', [edit.create(PARAMETER, { id, type: PARAMETER_TYPE, value: value || '' }, list)]);
    operator.set('parameterList', list);
    edit.addExtension(operator);
  } else {
    let list = operator.get('parameterList');
    if (!list) {
      list = edit.create(PARAMETERS, { parameters: [] }, operator);
      edit.update(operator, { parameterList: list });
    }
    const parameter = edit.create(PARAMETER, { id, type: PARAMETER_TYPE, value: value || '' }, list);
    edit.update(list, { parameters: [...(list.get('parameters') || []), parameter] });
  }
  edit.run();
}
