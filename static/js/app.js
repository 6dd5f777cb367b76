// Moves focus to a form's error summary so screen reader users hear what to fix.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});

// The person picker (moskenes_social/people/widgets.py): a filter above the list hides the
// people whose names do not contain what is typed; the chosen stay shown. A polite live
// region says how many are shown. Without this script the list is all there.
document.addEventListener("DOMContentLoaded", () => {
  for (const picker of document.querySelectorAll("[data-picker]")) {
    const options = Array.from(picker.querySelectorAll(".picker-option"));
    const filterId = `${picker.id}_filter`;
    const wrapper = document.createElement("div");
    wrapper.className = "mb-2";
    const label = document.createElement("label");
    label.className = "form-label";
    label.htmlFor = filterId;
    label.textContent = picker.dataset.pickerLabel;
    const input = document.createElement("input");
    input.type = "search";
    input.id = filterId;
    input.className = "form-control";
    input.autocomplete = "off";
    const status = document.createElement("p");
    status.className = "form-text mb-0";
    status.id = `${picker.id}_status`;
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    wrapper.append(label, input, status);
    picker.prepend(wrapper);

    const update = () => {
      const wanted = input.value.trim().toLocaleLowerCase("nb");
      let shown = 0;
      for (const option of options) {
        const box = option.querySelector("input");
        const text = option.textContent.toLocaleLowerCase("nb");
        const visible = !wanted || text.includes(wanted) || (box && box.checked);
        option.hidden = !visible;
        if (visible) shown += 1;
      }
      status.textContent = picker.dataset.pickerStatus
        .replace("%(shown)s", String(shown))
        .replace("%(total)s", String(options.length));
    };
    input.addEventListener("input", update);
    // Enter in the filter must not send the form half filled in.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    update();
  }
});
